package dev.dtc.xa;

import static javax.transaction.xa.XAResource.TMJOIN;
import static javax.transaction.xa.XAResource.TMNOFLAGS;
import static javax.transaction.xa.XAResource.TMSUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mysql.cj.jdbc.MysqlXADataSource;
import dev.dtc.testdb.DatabaseServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;

/**
 * Why {@link MysqlXa} keeps Connector/J's pinGlobalTxToPhysicalConnection off: what the driver does with it on,
 * measured. If a driver upgrade makes these fail, the reasoning in MysqlXa needs another look.
 */
class ConnectorJPinningTest {

    private static final String DB = "dtc_xa_pinning";
    private static final String TABLE = "pinned";
    private final XaTarget mysql = new XaTarget.Mysql();

    private MysqlXADataSource pinned() throws Exception {
        DatabaseServer server = mysql.server();
        mysql.createTable(DB, TABLE);
        MysqlXADataSource ds = new MysqlXADataSource();
        ds.setUrl(server.jdbcUrl(DB));
        ds.setUser(server.user());
        ds.setPassword(server.password());
        ds.setPinGlobalTxToPhysicalConnection(true);
        return ds;
    }

    @Test
    void withPinningACommitAfterTheConnectionDiedGoesToTheDeadConnection() throws Exception {
        MysqlXADataSource pinned = pinned();
        TestXid xid = TestXid.random();
        XAConnection first = pinned.getXAConnection();
        Connection work = first.getConnection();
        first.getXAResource().start(xid, TMNOFLAGS);
        XaTarget.insert(work, TABLE, xid.toString());
        first.getXAResource().end(xid, TMSUCCESS);
        first.getXAResource().prepare(xid);
        try (Connection admin = mysql.connect(DB)) {
            mysql.kill(admin, connectionId(work));

            XAConnection fresh = pinned.getXAConnection();
            try {
                assertThatThrownBy(() -> fresh.getXAResource().commit(xid, false))
                        .isInstanceOf(XAException.class)
                        .satisfies(e -> assertThat(((XAException) e).errorCode).isEqualTo(XAException.XAER_RMFAIL));
            } finally {
                fresh.close();
            }
            assertThat(mysql.preparedInServer(admin, xid)).as("left in doubt").isTrue();

            // the unpinned data source of this module finishes it from a fresh connection
            XAConnection ours = mysql.dataSource(DB).getXAConnection();
            try {
                ours.getXAResource().rollback(xid);
            } finally {
                ours.close();
            }
            assertThat(mysql.preparedInServer(admin, xid)).isFalse();
        }
    }

    @Test
    void withPinningAnEmulatedJoinRunsTheSecondConnectionOutsideTheTransaction() throws Exception {
        MysqlXADataSource pinned = pinned();
        TestXid xid = TestXid.random();
        XAConnection a = pinned.getXAConnection();
        XAConnection b = pinned.getXAConnection();
        try (Connection observer = mysql.connect(DB)) {
            Connection onB = b.getConnection();
            a.getXAResource().start(xid, TMNOFLAGS);
            XaTarget.insert(a.getConnection(), TABLE, xid + "/a");
            a.getXAResource().end(xid, TMSUCCESS);
            b.getXAResource().start(xid, TMJOIN); // accepted: the driver resumes the branch on a's connection
            XaTarget.insert(onB, TABLE, xid + "/b");
            b.getXAResource().end(xid, TMSUCCESS);
            a.getXAResource().rollback(xid);

            assertThat(XaTarget.count(observer, TABLE, xid + "/a")).as("rolled back").isZero();
            assertThat(XaTarget.count(observer, TABLE, xid + "/b")).as("committed outside the transaction").isEqualTo(1);
        } finally {
            a.close();
            b.close();
        }
    }

    private static long connectionId(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
