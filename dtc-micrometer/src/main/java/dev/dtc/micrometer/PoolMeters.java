package dev.dtc.micrometer;

import dev.dtc.xa.PoolStats;
import dev.dtc.xa.TransactionalDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.ToLongFunction;

/**
 * One pooled data source's figures, as Agroal counts them ({@link PoolStats}), tagged {@code pool=<name>}: where
 * the pool is now as gauges, what it did since it started as counters. Read when the registry reads them.
 */
final class PoolMeters {

    private PoolMeters() {
    }

    static void bind(TransactionalDataSource ds, MeterRegistry registry, Tags common) {
        Tags tags = common.and("pool", ds.name());
        gauge(registry, tags, ds, "dtc.pool.connections.active",
                "connections handed out now (in use, or held by their transaction until it completes)",
                PoolStats::active);
        gauge(registry, tags, ds, "dtc.pool.connections.available", "open connections waiting in the pool",
                PoolStats::available);
        gauge(registry, tags, ds, "dtc.pool.connections.pending", "threads waiting in getConnection()",
                PoolStats::awaiting);
        gauge(registry, tags, ds, "dtc.pool.connections.max.used", "the most connections open at once",
                PoolStats::maxUsed);
        counter(registry, tags, ds, "dtc.pool.connections.created", "connections opened", PoolStats::created);
        counter(registry, tags, ds, "dtc.pool.connections.destroyed", "connections closed, for any reason",
                PoolStats::destroyed);
        counter(registry, tags, ds, "dtc.pool.connections.acquired", "getConnection() calls that got a connection",
                PoolStats::acquired);
        counter(registry, tags, ds, "dtc.pool.connections.invalid", "connections that failed validation",
                PoolStats::invalid);
        counter(registry, tags, ds, "dtc.pool.connections.flushed",
                "connections closed because they broke, an XA call on them failed, or their branch's end was unknown",
                PoolStats::flushed);
        counter(registry, tags, ds, "dtc.pool.connections.reaped", "idle connections closed after the idle timeout",
                PoolStats::reaped);
        counter(registry, tags, ds, "dtc.pool.connections.leaks", "connections found held past the leak timeout",
                PoolStats::leaks);
    }

    private static void gauge(MeterRegistry registry, Tags tags, TransactionalDataSource ds, String name,
                              String description, ToLongFunction<PoolStats> figure) {
        Gauge.builder(name, ds, d -> figure.applyAsLong(d.stats())).tags(tags)
                .description(description).register(registry);
    }

    private static void counter(MeterRegistry registry, Tags tags, TransactionalDataSource ds, String name,
                                String description, ToLongFunction<PoolStats> figure) {
        FunctionCounter.builder(name, ds, d -> figure.applyAsLong(d.stats())).tags(tags)
                .description(description).register(registry);
    }
}
