package dev.dtc.differential;

import static dev.dtc.differential.DifferentialScenario.of;

import dev.dtc.differential.RecordingResource.Op;
import jakarta.transaction.Transaction;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/** enlistResource / delistResource: branches, start and end flags, joining, suspending. */
final class EnlistmentScenarios {

    private EnlistmentScenarios() {
    }

    static List<DifferentialScenario> all() {
        return List.of(
                of("enlist-same-resource-twice",
                        "enlisting a resource that is already enlisted and active starts nothing new",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  enlistResource(r1) -> true
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.enlist(r1);
                            c.commit();
                        }),
                of("enlist-same-resource-manager",
                        "two resources of one resource manager (isSameRM true)",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b1, TMJOIN) -> ok
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        r2   end(tx1/b1, TMSUCCESS) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1").resourceManager("A");
                            RecordingResource r2 = c.resource("r2").resourceManager("A");
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.commit();
                        }),
                of("enlist-same-resource-manager-with-third",
                        "r1 and r3 share a resource manager, r2 is another one",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  enlistResource(r3) -> true
                        r3   start(tx1/b1, TMJOIN) -> ok
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        r3   end(tx1/b1, TMSUCCESS) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1").resourceManager("A");
                            RecordingResource r2 = c.resource("r2").resourceManager("B");
                            RecordingResource r3 = c.resource("r3").resourceManager("A");
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.enlist(r3);
                            c.commit();
                        }),
                of("delist-success-then-commit",
                        "delistResource(TMSUCCESS) ends the branch; commit does not end it again",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  delistResource(r1, TMSUCCESS) -> true
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        app  commit -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.delist(r1, XAResource.TMSUCCESS);
                            c.commit();
                        }),
                of("delist-success-then-enlist-again",
                        "a resource enlisted again after TMSUCCESS rejoins its branch",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  delistResource(r1, TMSUCCESS) -> true
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMJOIN) -> ok
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.delist(r1, XAResource.TMSUCCESS);
                            c.enlist(r1);
                            c.commit();
                        }),
                of("delist-fail-then-commit",
                        "delistResource(TMFAIL) marks the transaction rollback-only",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  delistResource(r1, TMFAIL) -> true
                        r1   end(tx1/b1, TMFAIL) -> ok
                        app  getStatus -> STATUS_ACTIVE
                        app  commit -> RollbackException
                        r1   prepare(tx1/b1) -> XAException(XA_RBROLLBACK)
                        r2   end(tx1/b2, TMSUCCESS or TMFAIL) -> ok
                        r2   rollback(tx1/b2) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.delist(r1, XAResource.TMFAIL);
                            c.status();
                            c.commit();
                        }),
                of("delist-suspend-then-resume",
                        "TMSUSPEND then enlisting again resumes the association (TMRESUME)",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  delistResource(r1, TMSUSPEND) -> true
                        r1   end(tx1/b1, TMSUSPEND) -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMRESUME) -> ok
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.delist(r1, XAResource.TMSUSPEND);
                            c.enlist(r1);
                            c.commit();
                        }),
                of("delist-suspend-then-commit",
                        "a branch left suspended is ended by commit",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> true
                        r2   start(tx1/b2, TMNOFLAGS) -> ok
                        app  delistResource(r1, TMSUSPEND) -> true
                        r1   end(tx1/b1, TMSUSPEND) -> ok
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   prepare(tx1/b1) -> XA_OK
                        r1   commit(tx1/b1) -> ok
                        r2   end(tx1/b2, TMSUCCESS) -> ok
                        r2   prepare(tx1/b2) -> XA_OK
                        r2   commit(tx1/b2) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.delist(r1, XAResource.TMSUSPEND);
                            c.commit();
                        }),
                of("delist-not-enlisted",
                        "delisting a resource that was never enlisted",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  delistResource(r2, TMSUCCESS) -> false
                        app  commit -> ok
                        r1   end(tx1/b1, TMSUCCESS) -> ok
                        r1   commit(tx1/b1, onePhase) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2");
                            c.begin();
                            c.enlist(r1);
                            c.delist(r2, XAResource.TMSUCCESS);
                            c.commit();
                        }),
                of("enlist-start-fails",
                        "a resource whose start fails is not part of the transaction",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> false
                        r2   start(tx1/b2, TMNOFLAGS) -> XAException(XAER_RMFAIL)
                        app  getStatus -> STATUS_MARKED_ROLLBACK
                        app  commit -> RollbackException
                        r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                        r1   rollback(tx1/b1) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2").next(Op.START, Reply.fail(XAException.XAER_RMFAIL));
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.status();
                            c.commit();
                        }),
                of("enlist-start-XA_RBROLLBACK",
                        "a resource refuses to start its branch with XA_RBROLLBACK",
                        """
                        app  begin -> ok
                        app  enlistResource(r1) -> true
                        r1   start(tx1/b1, TMNOFLAGS) -> ok
                        app  enlistResource(r2) -> false
                        r2   start(tx1/b2, TMNOFLAGS) -> XAException(XA_RBROLLBACK)
                        app  getStatus -> STATUS_MARKED_ROLLBACK
                        app  commit -> RollbackException
                        r1   end(tx1/b1, TMSUCCESS or TMFAIL) -> ok
                        r1   rollback(tx1/b1) -> ok
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            RecordingResource r2 = c.resource("r2").next(Op.START, Reply.fail(XAException.XA_RBROLLBACK));
                            c.begin();
                            c.enlist(r1);
                            c.enlist(r2);
                            c.status();
                            c.commit();
                        }),
                of("enlist-after-commit",
                        "enlisting in a transaction that has committed throws IllegalStateException",
                        """
                        app  begin -> ok
                        app  commit -> ok
                        app  tx.enlistResource(r1) -> IllegalStateException
                        """,
                        c -> {
                            RecordingResource r1 = c.resource("r1");
                            c.begin();
                            Transaction tx = c.current();
                            c.commit();
                            c.enlist(tx, r1);
                        }));
    }
}
