package dev.dtc.server;

import java.io.IOException;
import java.util.Collection;

/**
 * Where registrations live durably, so that they survive a restart (and, with a shared store, are seen by every
 * coordinator). Renewals are not written: they change only the time of the last renewal, which is kept in memory.
 */
interface RegistryStore {

    Collection<Registration> load() throws IOException;

    /** Writes the whole set, durably, before returning. */
    void save(Collection<Registration> all) throws IOException;
}
