package dev.dtc.xa;

/**
 * A snapshot of a {@link TransactionalDataSource}'s pool, taken from Agroal's metrics. The gauges say where the
 * pool is now; the counters have counted since the pool started.
 *
 * <p>A pool at rest has {@code active == 0}: every connection handed out was closed, or returned when its
 * transaction completed. {@code active} staying above zero with no work running means connections are held
 * somewhere (see {@link PoolSettings.Builder#leakTimeout}).
 *
 * @param active    gauge: connections handed out now (in use by the application or still in a transaction)
 * @param available gauge: open connections waiting in the pool
 * @param awaiting  gauge: threads waiting in {@code getConnection()} for a connection
 * @param maxUsed   the most connections that were open at once
 * @param created   counter: connections opened
 * @param destroyed counter: connections closed, for any reason
 * @param acquired  counter: {@code getConnection()} calls that got a connection
 * @param invalid   counter: connections that failed validation and were closed
 * @param flushed   counter: connections closed because they broke (the database's error said the connection is
 *                  gone), because an XA call on them failed, or because their transaction ended neither
 *                  committed nor rolled back
 * @param reaped    counter: idle connections closed after {@link PoolSettings#idleTimeout()}
 * @param leaks     counter: times a connection was found held past {@link PoolSettings#leakTimeout()}
 */
public record PoolStats(long active, long available, long awaiting, long maxUsed, long created, long destroyed,
                        long acquired, long invalid, long flushed, long reaped, long leaks) {

    /** Open connections, in use or not. */
    public long open() {
        return active + available;
    }
}
