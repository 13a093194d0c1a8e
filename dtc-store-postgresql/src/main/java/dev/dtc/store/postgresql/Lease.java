package dev.dtc.store.postgresql;

import java.time.Instant;

/**
 * A node's row in the lease table, as read at one moment.
 *
 * @param node      the node name
 * @param epoch     bumped by every acquisition (a start of the node, or a takeover)
 * @param holder    the coordinator instance that holds it ({@code node/boot} for the node itself,
 *                  {@code taker/boot (takeover)} for another coordinator finishing its work); null once released
 * @param url       where the holder answers HTTP, if it does
 * @param expiresAt when the lease runs out unless renewed (the database's clock)
 * @param expired   whether it had run out when read (compared on the database's clock)
 * @param settled   released with nothing pending: nothing to take over
 */
public record Lease(String node, long epoch, String holder, String url, Instant expiresAt, boolean expired,
                    boolean settled) {

    /** Whether a running coordinator holds it now. */
    public boolean live() {
        return holder != null && !expired;
    }
}
