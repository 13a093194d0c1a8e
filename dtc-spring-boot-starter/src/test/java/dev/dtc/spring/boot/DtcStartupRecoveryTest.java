package dev.dtc.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dtc.RecoveryReport;
import dev.dtc.xa.XaDataSources;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.XAConnection;
import javax.sql.XADataSource;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The recovery scan once every data source exists: it settles what an earlier process of the node left prepared. */
class DtcStartupRecoveryTest {

    /** dtc's Xid format id ("dtc1"): recovery only touches branches in it whose gtrid starts with its node name. */
    private static final int DTC_FORMAT_ID = 0x64746331;

    static StarterDatabases dbs;

    @TempDir
    Path logs;

    @BeforeAll
    static void databases() throws SQLException {
        dbs = new StarterDatabases();
    }

    @Test
    void branchesAnEarlierProcessLeftPreparedWithoutADecisionAreRolledBackAtStart() throws Exception {
        String node = "starter-rec-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        // an earlier process of this node (its boot time an hour ago) prepared a branch in each database and died
        // before deciding: its log (a new, empty directory here) has no decision, so presumed abort applies
        String gtrid = node + "/" + Long.toString(System.currentTimeMillis() - 3_600_000, 36) + "/1";
        String row = "left-" + UUID.randomUUID();
        prepare(XaDataSources.postgres(dbs.pg.jdbcUrl(StarterDatabases.DB), dbs.pg.user(), dbs.pg.password()),
                new DtcXid(gtrid, "1"), row);
        prepare(XaDataSources.mysql(dbs.my.jdbcUrl(StarterDatabases.DB), dbs.my.user(), dbs.my.password()),
                new DtcXid(gtrid, "2"), row);
        assertThat(dbs.preparedInPostgres(node)).containsExactly(gtrid);
        assertThat(dbs.preparedInMysql(node)).hasSize(1);

        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DtcAutoConfiguration.class))
                .withPropertyValues("dtc.node-name=" + node, "dtc.log-directory=" + logs.resolve(node),
                        "dtc.recovery-interval=0")
                .withPropertyValues(dbs.twoDataSources())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    DtcStartupRecovery recovery = context.getBean(DtcStartupRecovery.class);
                    assertThat(recovery.done()).isTrue();
                    RecoveryReport report = recovery.report().orElseThrow();
                    assertThat(report.rolledBack()).hasSize(2);
                    assertThat(report.failures()).isEmpty();
                    assertThat(dbs.preparedInPostgres(node)).isEmpty();
                    assertThat(dbs.preparedInMysql(node)).isEmpty();
                    assertThat(dbs.inOrders(row)).isFalse();
                    assertThat(dbs.inStock(row)).isFalse();
                });
    }

    private static void prepare(XADataSource xa, Xid xid, String row) throws Exception {
        XAConnection xc = xa.getXAConnection();
        try {
            XAResource r = xc.getXAResource();
            r.start(xid, XAResource.TMNOFLAGS);
            try (Statement s = xc.getConnection().createStatement()) {
                s.executeUpdate("INSERT INTO items (id) VALUES ('" + row + "')");
            }
            r.end(xid, XAResource.TMSUCCESS);
            assertThat(r.prepare(xid)).isEqualTo(XAResource.XA_OK);
        } finally {
            xc.close();
        }
    }

    /** An Xid as dtc makes them: its format id, gtrid {@code node/boot/counter}, branch qualifier the branch index. */
    private record DtcXid(String gtrid, String bqual) implements Xid {
        @Override
        public int getFormatId() {
            return DTC_FORMAT_ID;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return gtrid.getBytes(StandardCharsets.ISO_8859_1);
        }

        @Override
        public byte[] getBranchQualifier() {
            return bqual.getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
