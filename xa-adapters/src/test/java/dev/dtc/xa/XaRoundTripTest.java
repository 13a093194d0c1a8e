package dev.dtc.xa;

import static javax.transaction.xa.XAResource.TMENDRSCAN;
import static javax.transaction.xa.XAResource.TMNOFLAGS;
import static javax.transaction.xa.XAResource.TMSTARTRSCAN;
import static javax.transaction.xa.XAResource.TMSUCCESS;
import static javax.transaction.xa.XAResource.XA_OK;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Raw XA through the data sources of {@link XaDataSources}, checked in the database itself. */
class XaRoundTripTest {

    private static final String DB = "dtc_xa_round_trip";
    private static final String TABLE = "round_trip";

    static java.util.stream.Stream<XaTarget> targets() {
        return XaTarget.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void preparedThenCommittedBranchIsVisibleOnlyAfterCommit(XaTarget target) throws Exception {
        target.createTable(DB, TABLE);
        TestXid xid = TestXid.random();
        XAConnection xa = target.dataSource(DB).getXAConnection();
        try (Connection observer = target.connect(DB)) {
            XAResource r = xa.getXAResource();
            r.start(xid, TMNOFLAGS);
            XaTarget.insert(xa.getConnection(), TABLE, xid.toString());
            r.end(xid, TMSUCCESS);
            assertThat(r.prepare(xid)).isEqualTo(XA_OK);

            assertThat(target.preparedInServer(observer, xid)).as("prepared in the server").isTrue();
            assertThat(r.recover(TMSTARTRSCAN | TMENDRSCAN)).as("recover()").contains(xid);
            assertThat(XaTarget.count(observer, TABLE, xid.toString())).as("invisible before commit").isZero();

            r.commit(xid, false);

            assertThat(XaTarget.count(observer, TABLE, xid.toString())).as("row after commit").isEqualTo(1);
            assertThat(target.preparedInServer(observer, xid)).as("still prepared after commit").isFalse();
            assertThat(r.recover(TMSTARTRSCAN | TMENDRSCAN)).doesNotContain(xid);
        } finally {
            xa.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void preparedThenRolledBackBranchLeavesNothing(XaTarget target) throws Exception {
        target.createTable(DB, TABLE);
        TestXid xid = TestXid.random();
        XAConnection xa = target.dataSource(DB).getXAConnection();
        try (Connection observer = target.connect(DB)) {
            XAResource r = xa.getXAResource();
            r.start(xid, TMNOFLAGS);
            XaTarget.insert(xa.getConnection(), TABLE, xid.toString());
            r.end(xid, TMSUCCESS);
            r.prepare(xid);
            assertThat(target.preparedInServer(observer, xid)).isTrue();

            r.rollback(xid);

            assertThat(XaTarget.count(observer, TABLE, xid.toString())).isZero();
            assertThat(target.preparedInServer(observer, xid)).isFalse();
        } finally {
            xa.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void onePhaseCommitNeedsNoPrepare(XaTarget target) throws Exception {
        target.createTable(DB, TABLE);
        TestXid xid = TestXid.random();
        XAConnection xa = target.dataSource(DB).getXAConnection();
        try (Connection observer = target.connect(DB)) {
            XAResource r = xa.getXAResource();
            r.start(xid, TMNOFLAGS);
            XaTarget.insert(xa.getConnection(), TABLE, xid.toString());
            r.end(xid, TMSUCCESS);
            r.commit(xid, true);

            assertThat(XaTarget.count(observer, TABLE, xid.toString())).isEqualTo(1);
            assertThat(target.preparedInServer(observer, xid)).isFalse();
        } finally {
            xa.close();
        }
    }

    /**
     * Two connections to one server are two branches of one transaction, as a transaction manager makes them
     * because isSameRM says no; both commit.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void twoConnectionsToOneServerAreTwoBranchesThatCommitTogether(XaTarget target) throws Exception {
        target.createTable(DB, TABLE);
        TestXid first = TestXid.random();
        TestXid second = first.branch("b2");
        var ds = target.dataSource(DB);
        XAConnection a = ds.getXAConnection();
        XAConnection b = ds.getXAConnection();
        try (Connection observer = target.connect(DB)) {
            assertThat(a.getXAResource().isSameRM(b.getXAResource())).as("isSameRM across connections").isFalse();
            assertThat(a.getXAResource().isSameRM(a.getXAResource())).isTrue();

            a.getXAResource().start(first, TMNOFLAGS);
            b.getXAResource().start(second, TMNOFLAGS);
            XaTarget.insert(a.getConnection(), TABLE, first + "/a");
            XaTarget.insert(b.getConnection(), TABLE, first + "/b");
            a.getXAResource().end(first, TMSUCCESS);
            b.getXAResource().end(second, TMSUCCESS);
            a.getXAResource().prepare(first);
            b.getXAResource().prepare(second);
            a.getXAResource().commit(first, false);
            b.getXAResource().commit(second, false);

            assertThat(XaTarget.count(observer, TABLE, first + "/a")).isEqualTo(1);
            assertThat(XaTarget.count(observer, TABLE, first + "/b")).isEqualTo(1);
            assertThat(target.preparedInServer(observer, first)).isFalse();
            assertThat(target.preparedInServer(observer, second)).isFalse();
        } finally {
            a.close();
            b.close();
        }
    }

    /** XAER_NOTA on a second commit is what recovery reads as "already done": drivers must report it so. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void committingTwiceReportsUnknownXid(XaTarget target) throws Exception {
        target.createTable(DB, TABLE);
        TestXid xid = TestXid.random();
        XAConnection xa = target.dataSource(DB).getXAConnection();
        try {
            XAResource r = xa.getXAResource();
            r.start(xid, TMNOFLAGS);
            XaTarget.insert(xa.getConnection(), TABLE, xid.toString());
            r.end(xid, TMSUCCESS);
            r.prepare(xid);
            r.commit(xid, false);
            XAException again = org.junit.jupiter.api.Assertions.assertThrows(XAException.class, () -> r.commit(xid, false));
            assertThat(again.errorCode).isEqualTo(XAException.XAER_NOTA);
        } finally {
            xa.close();
        }
    }

    static void closeQuietly(XAConnection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // test clean-up
        }
    }
}
