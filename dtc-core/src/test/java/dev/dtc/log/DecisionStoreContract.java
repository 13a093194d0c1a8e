package dev.dtc.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static dev.dtc.log.TestLogs.decision;
import static dev.dtc.log.TestLogs.payloadOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link DecisionStore} (see its javadoc), as tests that every implementation must pass: a
 * subclass says how to reach its storage, and inherits every test. The tests use nothing but the interface, so a
 * store that passes them can stand behind the engine.
 *
 * <p>"Reopen" means what a restarted coordinator does: close the store, then open the same storage again and
 * read {@link DecisionStore#pendingAtOpen()}. That is the only way the interface shows what is durable.
 */
abstract class DecisionStoreContract {

    static final String NODE = "node-a";
    static final String OTHER_NODE = "node-b";

    /**
     * Opens stores on this test's storage. The storage must be fresh for each test (JUnit makes a new instance of
     * the test class for each), and the same for every call within one test: opening again after close is how
     * these tests reopen what they wrote.
     */
    protected abstract DecisionStore.Opener storage();

    /**
     * Whether one storage holds one node's records (a log directory), so that opening it under another node name
     * must be refused. A shared store (a database) holds every node's records, each under its own name; for it the
     * same guarantee is that a node name held by a running coordinator is refused, which every store must pass.
     */
    protected boolean oneNodePerStorage() {
        return true;
    }

    /** The first open of the test's storage. */
    private DecisionStore open(String nodeName) throws IOException {
        return storage().open(nodeName);
    }

    /** Opens the storage again, after the previous store on it was closed: what a restarted coordinator sees. */
    private DecisionStore reopen(String nodeName) throws IOException {
        return storage().open(nodeName);
    }

    @Test
    void aNewStoreHasNothingPending() throws IOException {
        try (DecisionStore store = open(NODE)) {
            assertThat(store.pendingAtOpen()).isEmpty();
        }
    }

    @Test
    void aForcedDecisionIsPendingAfterReopenWithItsPayloadIntact() throws IOException {
        try (DecisionStore store = open(NODE)) {
            store.appendForced(decision("tx-1"));
        }

        try (DecisionStore store = reopen(NODE)) {
            Map<String, List<LogRecord>> pending = store.pendingAtOpen();
            assertThat(pending.keySet()).containsExactly("tx-1");
            assertThat(pending.get("tx-1")).containsExactly(decision("tx-1"));
            assertThat(pending.get("tx-1").get(0).payload()).isEqualTo(payloadOf("tx-1"));
        }
    }

    /** The END rides with a later forced append here, so this checks what END means, not when it is durable. */
    @Test
    void anEndMakesItsTransactionNoLongerPendingAfterReopen() throws IOException {
        try (DecisionStore store = open(NODE)) {
            store.appendForced(decision("tx-1"));
            store.appendForced(decision("tx-2"));
            store.append(LogRecord.end("tx-1"));
            store.append(LogRecord.end("tx-never-decided"));
            store.appendForced(decision("tx-3"));
        }

        try (DecisionStore store = reopen(NODE)) {
            assertThat(store.pendingAtOpen().keySet()).containsExactlyInAnyOrder("tx-2", "tx-3");
        }
    }

    @Test
    void aHeuristicKeepsItsTransactionPending() throws IOException {
        LogRecord afterDecision = LogRecord.heuristic("tx-1", "tx-1:2 @stock rolled back on its own".getBytes());
        LogRecord withoutDecision = LogRecord.heuristic("tx-2", "tx-2:1 @orders committed on its own".getBytes());
        try (DecisionStore store = open(NODE)) {
            store.appendForced(decision("tx-1"));
            store.appendForced(afterDecision);
            store.appendForced(withoutDecision);
        }

        try (DecisionStore store = reopen(NODE)) {
            assertThat(store.pendingAtOpen().keySet()).containsExactlyInAnyOrder("tx-1", "tx-2");
            assertThat(store.pendingAtOpen().get("tx-2")).containsExactly(withoutDecision);
        }
    }

    @Test
    void aTransactionsRecordsComeBackInAppendOrder() throws IOException {
        LogRecord first = LogRecord.heuristic("tx-1", "first heuristic".getBytes());
        LogRecord second = LogRecord.heuristic("tx-1", "second heuristic".getBytes());
        try (DecisionStore store = open(NODE)) {
            store.appendForced(decision("tx-1"));
            store.appendForced(decision("tx-2")); // another transaction's record in between changes nothing
            store.appendForced(first);
            store.appendForced(second);
        }

        try (DecisionStore store = reopen(NODE)) {
            assertThat(store.pendingAtOpen().get("tx-1")).containsExactly(decision("tx-1"), first, second);
            assertThat(store.pendingAtOpen().get("tx-2")).containsExactly(decision("tx-2"));
        }
    }

    @Test
    void recordsAppendedAfterReopenFollowThoseReadAtOpen() throws IOException {
        LogRecord heuristic = LogRecord.heuristic("tx-1", "appended by the next coordinator".getBytes());
        try (DecisionStore store = open(NODE)) {
            store.appendForced(decision("tx-1"));
        }
        try (DecisionStore store = reopen(NODE)) {
            store.appendForced(heuristic);
        }

        try (DecisionStore store = reopen(NODE)) {
            assertThat(store.pendingAtOpen().get("tx-1")).containsExactly(decision("tx-1"), heuristic);
        }
    }

    /** No forced append follows the ENDs: only close can make them durable. */
    @Test
    void unforcedAppendsAreDurableAfterClose() throws IOException {
        try (DecisionStore store = open(NODE)) {
            for (int i = 0; i < 100; i++) {
                store.appendForced(decision("tx-" + i));
            }
            for (int i = 0; i < 100; i++) {
                store.append(LogRecord.end("tx-" + i));
            }
        }

        try (DecisionStore store = reopen(NODE)) {
            assertThat(store.pendingAtOpen()).isEmpty();
        }
    }

    @Test
    void pendingAtOpenIsASnapshotThatLaterAppendsDoNotChange() throws IOException {
        try (DecisionStore store = open(NODE)) {
            store.appendForced(decision("tx-1"));
        }

        try (DecisionStore store = reopen(NODE)) {
            Map<String, List<LogRecord>> atOpen = store.pendingAtOpen();
            store.append(LogRecord.end("tx-1"));
            store.appendForced(decision("tx-2"));
            store.appendForced(LogRecord.heuristic("tx-3", "h".getBytes()));

            assertThat(atOpen.keySet()).containsExactly("tx-1");
            assertThat(store.pendingAtOpen().keySet()).containsExactly("tx-1");
            assertThat(store.pendingAtOpen().get("tx-1")).containsExactly(decision("tx-1"));
            assertThatThrownBy(() -> store.pendingAtOpen().clear()).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void aStoreWrittenByOneNodeIsRefusedToAnotherWithBothNamesInTheMessage() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(oneNodePerStorage(), "a shared store holds every node's records");
        try (DecisionStore store = open(NODE)) {
            store.appendForced(decision("tx-1"));
        }

        assertThatThrownBy(() -> reopen(OTHER_NODE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(NODE)
                .hasMessageContaining(OTHER_NODE);
    }

    @Test
    void aRefusedOpenLeavesTheStoreToItsOwnNodeUnchanged() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(oneNodePerStorage(), "a shared store holds every node's records");
        try (DecisionStore store = open(NODE)) {
            store.appendForced(decision("tx-1"));
        }
        assertThatThrownBy(() -> reopen(OTHER_NODE)).isInstanceOf(IOException.class);

        try (DecisionStore store = reopen(NODE)) {
            assertThat(store.pendingAtOpen().keySet()).containsExactly("tx-1");
            assertThat(store.pendingAtOpen().get("tx-1")).containsExactly(decision("tx-1"));
        }
    }

    @Test
    void aNodeThatIsOpenIsRefusedToASecondOpenWhichChangesNothing() throws IOException {
        try (DecisionStore first = open(NODE)) {
            first.appendForced(decision("tx-1"));
            assertThatThrownBy(() -> reopen(NODE)).isInstanceOf(IOException.class);
            first.appendForced(decision("tx-2"));
        }

        try (DecisionStore store = reopen(NODE)) {
            assertThat(store.pendingAtOpen().keySet()).containsExactly("tx-1", "tx-2");
        }
    }

    /**
     * Concurrent appends are the normal case. Every decision that returned must come back, and the ENDs of half of
     * them, appended concurrently too, must remove exactly those.
     */
    @Test
    void concurrentForcedDecisionsAreAllPendingAfterReopenAndTheirEndsRemoveExactlyThose() throws Exception {
        int threads = 16;
        int perThread = 200;
        List<String> all = new ArrayList<>();
        List<String> ended = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                all.add("t" + t + "-" + i);
                if (i % 2 == 0) {
                    ended.add("t" + t + "-" + i);
                }
            }
        }

        try (DecisionStore store = open(NODE)) {
            inParallel(threads, perThread, (t, i) -> store.appendForced(decision("t" + t + "-" + i)));
        }
        try (DecisionStore store = reopen(NODE)) {
            Map<String, List<LogRecord>> pending = store.pendingAtOpen();
            assertThat(pending.keySet()).containsExactlyInAnyOrderElementsOf(all);
            pending.forEach((tx, records) -> assertThat(records).as(tx).containsExactly(decision(tx)));

            inParallel(threads, perThread, (t, i) -> {
                if (i % 2 == 0) {
                    store.append(LogRecord.end("t" + t + "-" + i));
                }
            });
        }

        List<String> stillPending = new ArrayList<>(all);
        stillPending.removeAll(ended);
        try (DecisionStore store = reopen(NODE)) {
            assertThat(store.pendingAtOpen().keySet()).containsExactlyInAnyOrderElementsOf(stillPending);
        }
    }

    @Test
    void aStoreDescribesItselfForMessages() throws IOException {
        try (DecisionStore store = open(NODE)) {
            assertThat(store.describe()).isNotBlank();
        }
    }

    @Test
    void closingTwiceIsHarmlessAndTheStoreOpensAgain() throws IOException {
        DecisionStore store = open(NODE);
        store.appendForced(decision("tx-1"));
        store.close();
        store.close();

        try (DecisionStore again = reopen(NODE)) {
            assertThat(again.pendingAtOpen().keySet()).containsExactly("tx-1");
        }
    }

    @Test
    void appendsAfterCloseAreRefusedAndChangeNothing() throws IOException {
        DecisionStore store = open(NODE);
        store.appendForced(decision("tx-1"));
        store.close();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.appendForced(decision("tx-2")))
                .isInstanceOf(IOException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.append(LogRecord.end("tx-1")))
                .isInstanceOf(IOException.class);
        try (DecisionStore again = reopen(NODE)) {
            assertThat(again.pendingAtOpen().keySet()).containsExactly("tx-1");
        }
    }

    @FunctionalInterface
    private interface Append {
        void run(int thread, int index) throws IOException;
    }

    /** Runs {@code perThread} appends on each of {@code threads} threads, all released at once. */
    private static void inParallel(int threads, int perThread, Append append) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        append.run(thread, i);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
