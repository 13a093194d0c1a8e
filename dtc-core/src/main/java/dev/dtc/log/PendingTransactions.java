package dev.dtc.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Transactions with a DECISION or HEURISTIC record and no END yet, with their records in log order.
 * Kept in memory because a roll copies exactly these records into the new segment. Not thread-safe:
 * owned by start-up, then by whichever thread currently leads the group commit.
 */
final class PendingTransactions {

    private final Map<String, List<LogRecord>> byTx = new LinkedHashMap<>();
    private int records;
    private long frameBytes;

    /** Applies a record as the log would read it back: END forgets the transaction (an unknown one is ignored). */
    void apply(LogRecord record) {
        if (record.type() == RecordType.END) {
            List<LogRecord> gone = byTx.remove(record.txId());
            if (gone != null) {
                records -= gone.size();
                for (LogRecord r : gone) {
                    frameBytes -= LogFormat.frameBytes(r);
                }
            }
            return;
        }
        byTx.computeIfAbsent(record.txId(), tx -> new ArrayList<>(2)).add(record);
        records++;
        frameBytes += LogFormat.frameBytes(record);
    }

    int transactions() {
        return byTx.size();
    }

    int records() {
        return records;
    }

    /** Bytes the pending records take as frames: the size of the carried block a roll writes. */
    long frameBytes() {
        return frameBytes;
    }

    /** Every record, grouped by transaction in order of first appearance, each transaction's records in log order. */
    void forEachRecord(Consumer<LogRecord> action) {
        for (List<LogRecord> list : byTx.values()) {
            list.forEach(action);
        }
    }

    Map<String, List<LogRecord>> snapshot() {
        Map<String, List<LogRecord>> copy = new LinkedHashMap<>();
        byTx.forEach((tx, list) -> copy.put(tx, List.copyOf(list)));
        return Collections.unmodifiableMap(copy);
    }
}
