package dev.dtc.internal.engine;

/** A transaction in flight as the {@link TimeoutSweeper} sees it: whichever face began it. */
public interface Timed {

    /** True while the transaction may still time out: not yet completing, and past its deadline. */
    boolean isOverdue(long nowNanos);

    /** The deadline passed: roll the transaction back unless its completion has begun meanwhile. */
    void timeout();
}
