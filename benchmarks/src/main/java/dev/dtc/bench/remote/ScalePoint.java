package dev.dtc.bench.remote;

import java.util.Map;

/**
 * One configuration of the scale benchmark, measured.
 *
 * @param configuration {@code file} or {@code shared-N}
 * @param coordinators  coordinator processes it ran
 * @param point         the clients' view and the coordinators' and this JVM's CPU over the window
 * @param machineCpuNanos CPU the whole machine was busy over the window (all cores, all processes), -1 if unknown
 * @param store         what the shared store cost, or null for the file log
 */
record ScalePoint(String configuration, int coordinators, RemotePoint point, long machineCpuNanos, StoreCost store) {

    /**
     * What the PostgreSQL store did for one configuration.
     *
     * @param transactions     the point's transactions, warm-up and window (all that the database counters below
     *                         saw)
     * @param counters         the store database's transactions and the server's WAL, over the same span
     * @param postgresCpuNanos CPU of the PostgreSQL server's processes over the window only, -1 if unknown
     * @param sessionCpuNanos  the part of it spent by the backends of the store database's sessions (the
     *                         coordinators'), -1 if unknown; the rest is the server's own processes (WAL writer,
     *                         checkpointer...) and other databases' sessions
     * @param rowsTransactions every transaction since the schema was made (JIT warm-up included), for {@code rows}
     * @param rows             rows each table of the schema received since it was made
     */
    record StoreCost(long transactions, StoreDatabase.Counters counters, long postgresCpuNanos,
                     long sessionCpuNanos, long rowsTransactions, Map<String, StoreDatabase.TableRows> rows) {

        double commitsPerTransaction() {
            return transactions == 0 ? Double.NaN : (double) counters.transactions() / transactions;
        }

        double walSyncsPerTransaction() {
            return transactions == 0 ? Double.NaN : (double) counters.walSyncs() / transactions;
        }

        double walBytesPerTransaction() {
            return transactions == 0 ? Double.NaN : (double) counters.walBytes() / transactions;
        }
    }
}
