package dev.dtc.xa;

import static javax.transaction.xa.XAResource.TMENDRSCAN;
import static javax.transaction.xa.XAResource.TMNOFLAGS;
import static javax.transaction.xa.XAResource.TMSTARTRSCAN;
import static javax.transaction.xa.XAResource.TMSUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Recovery through {@link XaRecovery}: in-doubt branches are found and finished on a connection of its own. */
class XaRecoveryTest {

    private static final String TABLE = "in_doubt";

    static Stream<XaTarget> targets() {
        return XaTarget.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void aPreparedBranchOutlivesItsConnectionAndRecoveryRollsItBack(XaTarget target) throws Exception {
        String db = "dtc_xa_recovery";
        target.createTable(db, TABLE);
        XADataSource ds = target.dataSource(db);
        TestXid xid = prepareAndAbandon(ds);

        RecordingRecovery recovery = new RecordingRecovery();
        try (RecoveryConnection registration = XaRecovery.register(recovery, "db", ds);
             Connection observer = target.connect(db)) {
            assertThat(target.preparedInServer(observer, xid)).as("prepared branch survived its connection").isTrue();
            XAResource resource = recovery.registered.get("db").get();
            assertThat(resource.recover(TMSTARTRSCAN | TMENDRSCAN)).as("found by recover()").contains(xid);

            resource.rollback(xid);

            assertThat(target.preparedInServer(observer, xid)).isFalse();
            assertThat(XaTarget.count(observer, TABLE, xid.toString())).isZero();
            assertThat(registration.get().recover(TMSTARTRSCAN | TMENDRSCAN)).doesNotContain(xid);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void recoveryCanCommitWhatADeadConnectionPrepared(XaTarget target) throws Exception {
        String db = "dtc_xa_recovery";
        target.createTable(db, TABLE);
        XADataSource ds = target.dataSource(db);
        TestXid xid = prepareAndAbandon(ds);

        RecordingRecovery recovery = new RecordingRecovery();
        try (RecoveryConnection registration = XaRecovery.register(recovery, "db", ds);
             Connection observer = target.connect(db)) {
            registration.get().commit(xid, false);

            assertThat(XaTarget.count(observer, TABLE, xid.toString())).isEqualTo(1);
            assertThat(target.preparedInServer(observer, xid)).isFalse();
        }
    }

    /** MySQL closes idle connections after wait_timeout, operators kill sessions: the next scan must still work. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void theRecoveryConnectionIsReopenedAfterItWasKilled(XaTarget target) throws Exception {
        String db = "dtc_xa_recovery_kill"; // only the recovery connection connects here, so it can be told apart
        XADataSource ds = target.dataSource(db);
        RecordingRecovery recovery = new RecordingRecovery();
        try (RecoveryConnection registration = XaRecovery.register(recovery, "killed", ds);
             Connection admin = target.connect(db)) {
            Supplier<XAResource> supplier = recovery.registered.get("killed");
            supplier.get().recover(TMSTARTRSCAN | TMENDRSCAN);
            List<Long> before = target.otherSessionsOn(admin, db);
            assertThat(before).as("the recovery connection's session").hasSize(1);

            target.kill(admin, before.get(0));
            awaitGone(target, admin, db, before.get(0));

            XAResource reopened = supplier.get();
            reopened.recover(TMSTARTRSCAN | TMENDRSCAN); // would throw XAER_RMFAIL on the killed connection
            List<Long> after = target.otherSessionsOn(admin, db);
            assertThat(after).hasSize(1).doesNotContain(before.get(0));
            assertThat(supplier.get()).as("a live connection is kept, not reopened").isSameAs(reopened);
            assertThat(target.otherSessionsOn(admin, db)).isEqualTo(after);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void closingUnregistersAndClosesTheConnection(XaTarget target) throws Exception {
        String db = "dtc_xa_recovery_close";
        XADataSource ds = target.dataSource(db);
        RecordingRecovery recovery = new RecordingRecovery();
        RecoveryConnection registration = XaRecovery.register(recovery, "closing", ds);
        try (Connection admin = target.connect(db)) {
            registration.get();
            assertThat(target.otherSessionsOn(admin, db)).hasSize(1);

            registration.close();
            registration.close(); // idempotent

            assertThat(recovery.registered).doesNotContainKey("closing");
            awaitNoSessions(target, admin, db);
            assertThatThrownBy(registration::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void aNameTakenTwiceIsRefusedByRecovery(XaTarget target) throws Exception {
        XADataSource ds = target.dataSource("dtc_xa_recovery");
        RecordingRecovery recovery = new RecordingRecovery();
        try (RecoveryConnection first = XaRecovery.register(recovery, "same", ds)) {
            assertThatThrownBy(() -> XaRecovery.register(recovery, "same", ds)).isInstanceOf(IllegalArgumentException.class);
            assertThat(recovery.registered.get("same")).isSameAs(first);
        }
    }

    /** Starts a branch, writes a row named after the xid, prepares, and closes the connection without deciding. */
    private static TestXid prepareAndAbandon(XADataSource ds) throws Exception {
        TestXid xid = TestXid.random();
        XAConnection xa = ds.getXAConnection();
        try {
            XAResource r = xa.getXAResource();
            r.start(xid, TMNOFLAGS);
            XaTarget.insert(xa.getConnection(), TABLE, xid.toString());
            r.end(xid, TMSUCCESS);
            r.prepare(xid);
        } finally {
            xa.close();
        }
        return xid;
    }

    /** A killed session leaves the server's session list shortly after, not at once (PostgreSQL signals it). */
    private static void awaitGone(XaTarget target, Connection admin, String db, long session) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (target.otherSessionsOn(admin, db).contains(session)) {
            assertThat(Instant.now()).as("session %d still there", session).isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private static void awaitNoSessions(XaTarget target, Connection admin, String db) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!target.otherSessionsOn(admin, db).isEmpty()) {
            assertThat(Instant.now()).as("sessions on %s after close", db).isBefore(deadline);
            Thread.sleep(50);
        }
    }
}
