package dev.dtc.server;

import java.io.IOException;
import java.util.Collection;

/**
 * Where {@link FileParticipantRegistry} keeps registrations durably, so that they survive a restart. Renewals are not
 * written: they change only the time of the last renewal, which is kept in memory (one coordinator is the only
 * one that needs to know it; with a shared store, {@link PostgresParticipantRegistry} writes renewals too).
 */
interface RegistryStore {

    Collection<Registration> load() throws IOException;

    /** Writes the whole set, durably, before returning. */
    void save(Collection<Registration> all) throws IOException;
}
