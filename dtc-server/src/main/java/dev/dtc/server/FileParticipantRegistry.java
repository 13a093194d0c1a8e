package dev.dtc.server;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The services registered with this coordinator: name → URL, with an optional time to live. A registration
 * with a TTL that is not renewed in time is expired: still listed (as EXPIRED), but a transaction naming it is
 * refused before anything starts. The set is durable (see {@link RegistryStore}); renewal times are not, so after
 * a restart every registration counts as renewed at the start, and a live service has a whole TTL to renew.
 */
final class FileParticipantRegistry implements ParticipantRegistry {

    private final RegistryStore store;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock(); // changes are rare; one at a time keeps the file whole
    private volatile Map<String, Entry> entries;

    FileParticipantRegistry(RegistryStore store, Clock clock) throws IOException {
        this.store = store;
        this.clock = clock;
        Map<String, Entry> m = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (Registration r : store.load()) {
            m.put(r.name(), new Entry(r, now));
        }
        this.entries = m;
    }

    /**
     * Registers or renews. A renewal with the same URL and TTL writes nothing; a new name, URL or TTL is written
     * to the store before this returns.
     */
    @Override
    public Put put(String name, String url, Long ttlMs) throws IOException {
        lock.lock();
        try {
            Instant now = clock.instant();
            Entry old = entries.get(name);
            Registration r = old != null && old.registration().url().equals(url)
                    && java.util.Objects.equals(old.registration().ttlMs(), ttlMs)
                    ? old.registration() : new Registration(name, url, ttlMs, now);
            Map<String, Entry> next = new LinkedHashMap<>(entries);
            next.put(name, new Entry(r, now));
            if (old == null || old.registration() != r) {
                store.save(registrations(next.values()));
            }
            entries = next;
            return new Put(next.get(name), old == null);
        } finally {
            lock.unlock();
        }
    }

    /** Removes a registration; false if there was none. */
    @Override
    public boolean remove(String name) throws IOException {
        lock.lock();
        try {
            if (!entries.containsKey(name)) {
                return false;
            }
            Map<String, Entry> next = new LinkedHashMap<>(entries);
            next.remove(name);
            store.save(registrations(next.values()));
            entries = next;
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>(entries.values());
        out.sort(Comparator.comparing(e -> e.registration().name()));
        return out;
    }

    @Override
    public Entry get(String name) {
        return entries.get(name);
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    private static List<Registration> registrations(Collection<Entry> es) {
        List<Registration> out = new ArrayList<>(es.size());
        for (Entry e : es) {
            out.add(e.registration());
        }
        return out;
    }
}
