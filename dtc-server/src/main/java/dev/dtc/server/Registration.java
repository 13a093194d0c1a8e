package dev.dtc.server;

import java.time.Instant;

/**
 * A participant service registered with the coordinator under a name, so that transactions can name it alone.
 *
 * @param ttlMs        how long a registration lives without renewal; null for one that lives until deleted
 * @param registeredAt when it was registered with this URL and TTL
 */
record Registration(String name, String url, Long ttlMs, Instant registeredAt) {
}
