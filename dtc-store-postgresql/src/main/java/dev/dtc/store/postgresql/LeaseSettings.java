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

    /** Renew every 2 s, expire after 10 s, wait up to 12 s at start. */
    public static final LeaseSettings DEFAULT = new LeaseSettings(Duration.ofSeconds(10), Duration.ofSeconds(2),
            Duration.ofSeconds(12));

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
