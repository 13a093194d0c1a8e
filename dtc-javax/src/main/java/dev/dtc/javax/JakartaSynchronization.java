package dev.dtc.javax;

import java.util.Objects;

/**
 * A {@code javax.transaction.Synchronization} registered with dtc, which calls {@code jakarta.transaction}
 * synchronizations. The status codes of the two APIs are the same numbers, so they pass through unchanged.
 */
record JakartaSynchronization(javax.transaction.Synchronization delegate) implements jakarta.transaction.Synchronization {

    JakartaSynchronization {
        Objects.requireNonNull(delegate, "synchronization must not be null");
    }

    @Override
    public void beforeCompletion() {
        delegate.beforeCompletion();
    }

    @Override
    public void afterCompletion(int status) {
        delegate.afterCompletion(status);
    }
}
