package dev.dtc.store.postgresql;

import java.time.Duration;

/**
 * How leases are held.
 *
 * @param ttl          how long a lease lasts without renewal: after it, another coordinator may take the node over
 * @param renewEvery   how often the holder renews; well under {@code ttl}, so that a missed renewal or two is harmless
 * @param acquireWait  how long a starting coordinator waits for its node's lease when a previous holder's has not run
 *                     out (a restart right after a crash finds its own old lease still live); after that it refuses
 */
public record LeaseSettings(Duration ttl, Duration renewEvery, Duration acquireWait) {

    /**
     * Expire after 6 s, renew every 1.2 s, wait up to 7.2 s at start. The lease time is most of the time a dead
     * coordinator's decided transactions wait for another to finish them: 6 s leaves room for the look (every
     * fifth of it) and the recovery pass within 10 s of the death, and is still far longer than a healthy JVM's
     * pauses.
     */
    public static final LeaseSettings DEFAULT = new LeaseSettings(Duration.ofSeconds(6), Duration.ofMillis(1200),
            Duration.ofMillis(7200));

    public LeaseSettings {
        if (ttl == null || renewEvery == null || acquireWait == null) {
            throw new IllegalArgumentException("lease settings need ttl, renewEvery and acquireWait");
        }
        if (renewEvery.isNegative() || renewEvery.isZero() || renewEvery.compareTo(ttl.dividedBy(2)) > 0) {
            throw new IllegalArgumentException("the lease renewal interval (" + renewEvery.toMillis()
                    + " ms) must be positive and at most half the lease time (" + ttl.toMillis() + " ms)");
        }
        if (acquireWait.isNegative()) {
            throw new IllegalArgumentException("the lease acquire wait must not be negative");
        }
    }
}
