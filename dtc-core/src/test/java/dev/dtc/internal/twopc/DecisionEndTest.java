package dev.dtc.internal.twopc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.internal.audit.Audit;
import dev.dtc.internal.xid.DtcXid;
import dev.dtc.internal.xid.XidFactory;
import dev.dtc.log.MemoryDecisionStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;

/** A decision's END record waits for what the face records before it, and is never written if that fails. */
class DecisionEndTest {

    private static Branch branch(DtcXid xid) {
        return new Branch() {
            public DtcXid xid() {
                return xid;
            }

            public String resourceName() {
                return "r";
            }

            public Vote prepare() {
                return Vote.COMMIT;
            }

            public void commit(boolean onePhase) {
            }

            public void rollback() {
            }

            public void forget() throws XAException {
            }
        };
    }

    @Test
    void theEndWaitsForTheFacesRecordAndIsNotWrittenWhenItFails() throws Exception {
        MemoryDecisionStore.Storage storage = new MemoryDecisionStore.Storage();
        Decisions decisions = new Decisions(storage.open("n"), new Audit());
        XidFactory xids = new XidFactory("n", 1);
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        CompletableFuture<Void> failing = new CompletableFuture<>();
        decisions.beforeEnd(d -> d.txId().endsWith("1") ? recorded : failing);

        String a = xids.newUrlSafeTransactionId();
        Decisions.Decision da = decisions.decideCommit(a, List.of(branch(xids.branch(a, 1))));
        decisions.acknowledged(da, xids.branch(a, 1));
        assertThat(decisions.get(a)).as("open until the face's record is durable").isNotNull();
        recorded.complete(null);
        assertThat(decisions.get(a)).as("ended once it is").isNull();

        String b = xids.newUrlSafeTransactionId();
        Decisions.Decision db = decisions.decideCommit(b, List.of(branch(xids.branch(b, 1))));
        decisions.acknowledged(db, xids.branch(b, 1));
        failing.completeExceptionally(new java.io.IOException("disk full"));
        assertThat(decisions.get(b)).as("stays open: the next start finishes it again").isNotNull();
    }
}
