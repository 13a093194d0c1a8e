package dev.dtc;

import dev.dtc.audit.AuditListener;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.UserTransaction;
import java.nio.file.Path;
import java.time.Duration;

/** Skeleton: the engine is being written. */
public final class TransactionService implements AutoCloseable {

    public static Builder builder() {
        return new Builder();
    }

    public TransactionManager transactionManager() {
        throw new UnsupportedOperationException("not yet");
    }

    public UserTransaction userTransaction() {
        throw new UnsupportedOperationException("not yet");
    }

    public TransactionSynchronizationRegistry synchronizationRegistry() {
        throw new UnsupportedOperationException("not yet");
    }

    public Recovery recovery() {
        throw new UnsupportedOperationException("not yet");
    }

    public void addAuditListener(AuditListener listener) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {
    }

    public static final class Builder {
        public Builder nodeName(String nodeName) {
            return this;
        }

        public Builder logDirectory(Path directory) {
            return this;
        }

        public Builder defaultTimeout(Duration timeout) {
            return this;
        }

        public TransactionService build() {
            throw new UnsupportedOperationException("not yet");
        }
    }
}
