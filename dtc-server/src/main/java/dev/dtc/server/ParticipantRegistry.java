package dev.dtc.server;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The services registered with the coordinator: name → URL, with an optional time to live. A registration with a
 * TTL that is not renewed in time is expired: still listed (as EXPIRED), but a transaction naming it is refused
 * before anything starts. {@link FileParticipantRegistry} serves one coordinator from memory and a file;
 * {@link PostgresParticipantRegistry} reads through to the shared store, so that a registration or renewal sent to
 * one coordinator counts on all.
 */
interface ParticipantRegistry {

    /** One registration as the API shows it. */
    record Entry(Registration registration, Instant lastRenewal) {
        Instant expiresAt() {
            return registration.ttlMs() == null ? null : lastRenewal.plusMillis(registration.ttlMs());
        }

        boolean expired(Instant now) {
            Instant e = expiresAt();
            return e != null && !now.isBefore(e);
        }
    }

    /** What a PUT did. */
    record Put(Entry entry, boolean created) {
    }

    /** Registers or renews; a new name, URL or TTL is durable before this returns. */
    Put put(String name, String url, Long ttlMs) throws IOException;

    /** Removes a registration; false if there was none. */
    boolean remove(String name) throws IOException;

    /** Every registration, by name. */
    List<Entry> list();

    /** One registration, or null. */
    Entry get(String name);

    /** The time registrations expire by. */
    Instant now();
}
