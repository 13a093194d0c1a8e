package dev.dtc.log;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import static dev.dtc.log.TestLogs.decision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The in-memory test store passes the store contract, so the contract runs on more than one implementation and
 * engine tests can trust the store they make fail. Its own extras are checked here too.
 */
class MemoryDecisionStoreContractTest extends DecisionStoreContract {

    private final MemoryDecisionStore.Storage storage = new MemoryDecisionStore.Storage();

    @Override
    protected DecisionStore.Opener storage() {
        return storage;
    }

    @Test
    void aSecondStoreOnTheSameStorageIsRefusedWhileTheFirstIsOpen() throws IOException {
        try (MemoryDecisionStore first = storage.open(NODE)) {
            assertThatThrownBy(() -> storage.open(NODE))
                    .isInstanceOf(IOException.class).hasMessageContaining("already open");
            first.appendForced(decision("tx-1"));
        }
        storage.open(NODE).close();
    }

    @Test
    void aClosedStoreRefusesAppends() throws IOException {
        MemoryDecisionStore store = storage.open(NODE);
        store.close();
        assertThatThrownBy(() -> store.appendForced(decision("late")))
                .isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.append(LogRecord.end("late")))
                .isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void aForcedAppendMadeToFailLosesItsRecordAndOnlyThatAppendFails() throws IOException {
        try (MemoryDecisionStore store = storage.open(NODE)) {
            storage.failNextAppendForced(false);
            assertThatThrownBy(() -> store.appendForced(decision("tx-lost")))
                    .isInstanceOf(IOException.class).hasMessageContaining("not kept");
            store.appendForced(decision("tx-next"));
        }
        try (MemoryDecisionStore store = storage.open(NODE)) {
            assertThat(store.pendingAtOpen().keySet()).containsExactly("tx-next");
        }
    }

    @Test
    void aForcedAppendMadeToFailCanKeepItsRecordAsAForceThatFailedAfterTheWrite() throws IOException {
        try (MemoryDecisionStore store = storage.open(NODE)) {
            storage.failNextAppendForced(true);
            assertThatThrownBy(() -> store.appendForced(decision("tx-kept")))
                    .isInstanceOf(IOException.class).hasMessageContaining("was kept");
        }
        try (MemoryDecisionStore store = storage.open(NODE)) {
            assertThat(store.pendingAtOpen().keySet()).containsExactly("tx-kept");
        }
    }

    @Test
    void anUnforcedAppendIsNotMadeToFail() throws IOException {
        try (MemoryDecisionStore store = storage.open(NODE)) {
            store.appendForced(decision("tx-1"));
            storage.failNextAppendForced(false);
            store.append(LogRecord.end("tx-1"));
            assertThatThrownBy(() -> store.appendForced(decision("tx-2"))).isInstanceOf(IOException.class);
        }
        try (MemoryDecisionStore store = storage.open(NODE)) {
            assertThat(store.pendingAtOpen()).isEmpty();
        }
    }
}
