package dev.dtc.differential;

import static dev.dtc.differential.DifferentialScenario.of;

import jakarta.transaction.Transaction;
import java.util.List;

/** Order of normal and interposed synchronizations, and what they may do inside their callbacks. */
final class SynchronizationScenarios {

    private SynchronizationScenarios() {
    }

    static List<DifferentialScenario> all() {
        return List.of(
                of("synchronization-order",
                        "normal before interposed in beforeCompletion, interposed before normal in afterCompletion",
                        """
                        app  begin -> ok
                        app  registerInterposedSynchronization(i1) -> ok
                        app  registerSynchronization(s1) -> ok
                        app  registerInterposedSynchronization(i2) -> ok
                        app  registerSynchronization(s2) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  commit -> ok
                        s1   beforeCompletion -> ok
                        s2   beforeCompletion -> ok
                        i1   beforeCompletion -> ok
                        i2   beforeCompletion -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        i1   afterCompletion(STATUS_COMMITTED) -> ok
                        i2   afterCompletion(STATUS_COMMITTED) -> ok
                        s1   afterCompletion(STATUS_COMMITTED) -> ok
                        s2   afterCompletion(STATUS_COMMITTED) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            c.register(c.sync("i1"));
                            c.register(c.sync("s1"));
                            c.register(c.sync("i2"));
                            c.register(c.sync("s2"));
                            c.enlist(r1);
                            c.commit();
                        }),
                of("after-completion-throws",
                        "an exception from afterCompletion does not change the outcome or stop the other callbacks",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  registerSynchronization(s2) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  commit -> ok
                        s1   beforeCompletion -> ok
                        s2   beforeCompletion -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        s1   afterCompletion(STATUS_COMMITTED) -> RuntimeException
                        s2   afterCompletion(STATUS_COMMITTED) -> ok
                        app  getStatus -> STATUS_NO_TRANSACTION
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            c.register(c.sync("s1").failAfter());
                            c.register(c.sync("s2"));
                            c.enlist(r1);
                            c.commit();
                            c.status();
                        }),
                of("register-in-before-completion",
                        "synchronizations registered from inside beforeCompletion are called too",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  commit -> ok
                        s1   beforeCompletion -> ok
                        s1   tx.registerSynchronization(s2) -> ok
                        s1   registerInterposedSynchronization(i1) -> ok
                        s2   beforeCompletion -> ok
                        i1   beforeCompletion -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        i1   afterCompletion(STATUS_COMMITTED) -> ok
                        s1   afterCompletion(STATUS_COMMITTED) -> ok
                        s2   afterCompletion(STATUS_COMMITTED) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            Transaction tx = c.current();
                            RecordingSynchronization s2 = c.sync("s2");
                            RecordingSynchronization i1 = c.sync("i1");
                            c.register(c.sync("s1").onBefore(() -> {
                                c.in("s1").call("tx.registerSynchronization(s2)", () -> tx.registerSynchronization(s2));
                                c.in("s1").call("registerInterposedSynchronization(i1)",
                                        () -> c.tsr().registerInterposedSynchronization(i1));
                            }));
                            c.enlist(r1);
                            c.commit();
                        }),
                of("register-interposed-in-interposed-before-completion",
                        "an interposed synchronization registers another interposed one from its beforeCompletion",
                        """
                        app  begin -> ok
                        app  registerInterposedSynchronization(i1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  commit -> ok
                        i1   beforeCompletion -> ok
                        i1   registerInterposedSynchronization(i2) -> ok
                        i2   beforeCompletion -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        i1   afterCompletion(STATUS_COMMITTED) -> ok
                        i2   afterCompletion(STATUS_COMMITTED) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            RecordingSynchronization i2 = c.sync("i2");
                            c.register(c.sync("i1").onBefore(() -> c.in("i1").call(
                                    "registerInterposedSynchronization(i2)", () -> c.tsr().registerInterposedSynchronization(i2))));
                            c.enlist(r1);
                            c.commit();
                        }),
                of("register-in-interposed-before-completion",
                        "an interposed synchronization registers a normal one from its beforeCompletion, too late"
                                + " for that one's beforeCompletion to be called before the interposed ones",
                        """
                        app  begin -> ok
                        app  registerInterposedSynchronization(i1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  commit -> ok
                        i1   beforeCompletion -> ok
                        i1   tx.registerSynchronization(s1) -> IllegalStateException
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        i1   afterCompletion(STATUS_COMMITTED) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            Transaction tx = c.current();
                            RecordingSynchronization s1 = c.sync("s1");
                            c.register(c.sync("i1").onBefore(() -> c.in("i1").call(
                                    "tx.registerSynchronization(s1)", () -> tx.registerSynchronization(s1))));
                            c.enlist(r1);
                            c.commit();
                        }),
                of("register-in-after-completion",
                        "registering a synchronization once completion has finished throws IllegalStateException",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  commit -> ok
                        s1   beforeCompletion -> ok
                        s1   afterCompletion(STATUS_COMMITTED) -> ok
                        s1   tx.registerSynchronization(s2) -> IllegalStateException
                        app  tx.registerSynchronization(s2) -> IllegalStateException
                        """,
                        c -> {
                            c.begin();
                            Transaction tx = c.current();
                            RecordingSynchronization s2 = c.sync("s2");
                            c.register(c.sync("s1").onAfter(() ->
                                    c.in("s1").call("tx.registerSynchronization(s2)", () -> tx.registerSynchronization(s2))));
                            c.commit();
                            c.call("tx.registerSynchronization(s2)", () -> tx.registerSynchronization(s2));
                        }),
                of("enlist-in-before-completion",
                        "a resource enlisted from beforeCompletion (a JPA flush) takes part in the commit",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  commit -> ok
                        s1   beforeCompletion -> ok
                        s1   tx.enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        s1   afterCompletion(STATUS_COMMITTED) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            Transaction tx = c.current();
                            c.register(c.sync("s1").onBefore(() ->
                                    c.in("s1").value("tx.enlistResource(r2)", () -> tx.enlistResource(r2))));
                            c.enlist(r1);
                            c.commit();
                        }),
                of("enlist-in-after-completion",
                        "enlisting once the transaction has completed throws IllegalStateException",
                        """
                        app  begin -> ok
                        app  registerSynchronization(s1) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  commit -> ok
                        s1   beforeCompletion -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        s1   afterCompletion(STATUS_COMMITTED) -> ok
                        s1   tx.enlistResource(r2) -> IllegalStateException
                        app  tx.enlistResource(r2) -> IllegalStateException
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            Transaction tx = c.current();
                            c.register(c.sync("s1").onAfter(() ->
                                    c.in("s1").value("tx.enlistResource(r2)", () -> tx.enlistResource(r2))));
                            c.enlist(r1);
                            c.commit();
                            c.enlist(tx, r2);
                        }),
                of("registry-in-after-completion",
                        "what the TransactionSynchronizationRegistry answers inside afterCompletion",
                        """
                        app  begin -> ok
                        app  tsr.putResource(k, v) -> ok
                        app  registerInterposedSynchronization(i1) -> ok
                        app  commit -> ok
                        i1   beforeCompletion -> ok
                        i1   afterCompletion(STATUS_COMMITTED) -> ok
                        i1   tsr.getTransactionStatus -> STATUS_COMMITTED
                        i1   tsr.getResource(k) -> IllegalStateException
                        """,
                        c -> {
                            c.begin();
                            c.call("tsr.putResource(k, v)", () -> c.tsr().putResource("k", "v"));
                            c.register(c.sync("i1").onAfter(() -> {
                                c.in("i1").status("tsr.getTransactionStatus", () -> c.tsr().getTransactionStatus());
                                c.in("i1").value("tsr.getResource(k)", () -> c.tsr().getResource("k"));
                            }));
                            c.commit();
                        }));
    }
}
