package dev.dtc.xa;

import dev.dtc.TransactionService;
import dev.dtc.audit.EventType;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.XAConnection;

/**
 * The child process of {@link CrashRecoveryTest}: runs one transaction over PostgreSQL and
 * MySQL/MariaDB and dies at the point it is told, with {@code Runtime.halt} (no shutdown hooks,
 * no flushing: as close to a power cut as a JVM gets) or by waiting to be killed with SIGKILL.
 *
 * <p>Arguments: logDir crashPoint orderId nodeName pgUrl pgUser pgPassword myUrl myUser myPassword.
 */
public final class CrashingTransaction {

    /** Where to die. */
    enum CrashPoint {
        /** both branches prepared, decision not yet forced: recovery must roll both back */
        AFTER_PREPARE,
        /** decision forced, no commit sent: recovery must commit both (the parent kills us with SIGKILL) */
        AFTER_DECISION,
        /** the PostgreSQL branch committed, the MySQL one not: recovery must commit MySQL */
        AFTER_FIRST_COMMIT
    }

    public static void main(String[] args) throws Exception {
        Path logDir = Path.of(args[0]);
        CrashPoint point = CrashPoint.valueOf(args[1]);
        String id = args[2];
        String node = args[3];
        XAConnection pg = XaDataSources.postgres(args[4], args[5], args[6]).getXAConnection();
        XAConnection my = XaDataSources.mysql(args[7], args[8], args[9]).getXAConnection();
        HookedXAResource pgRes = new HookedXAResource("orders-pg", pg.getXAResource());
        HookedXAResource myRes = new HookedXAResource("stock-mysql", my.getXAResource());
        AtomicInteger votes = new AtomicInteger();

        TransactionService dtc = TransactionService.builder().nodeName(node).logDirectory(logDir)
                .defaultTimeout(Duration.ofSeconds(60)).recoveryInterval(Duration.ZERO)
                .auditListener(e -> {
                    if (point == CrashPoint.AFTER_PREPARE && e.type() == EventType.VOTE_COMMIT && votes.incrementAndGet() == 2) {
                        System.out.println("DYING " + point);
                        System.out.flush();
                        Runtime.getRuntime().halt(42);
                    }
                    if (point == CrashPoint.AFTER_DECISION && e.type() == EventType.DECISION_FORCED) {
                        System.out.println("KILL-ME " + e.txId());
                        System.out.flush();
                        HookedXAResource.sleep(600_000); // the parent sends SIGKILL
                    }
                })
                .build();
        if (point == CrashPoint.AFTER_FIRST_COMMIT) {
            // commit PostgreSQL, die before MySQL's commit is sent
            myRes.beforeCommit = () -> HookedXAResource.sleep(600_000);
            pgRes.afterCommit = () -> {
                System.out.println("DYING " + point);
                System.out.flush();
                Runtime.getRuntime().halt(42);
            };
        }

        TransactionManager tm = dtc.transactionManager();
        tm.begin();
        tm.getTransaction().enlistResource(pgRes);
        tm.getTransaction().enlistResource(myRes);
        try (PreparedStatement ps = pg.getConnection().prepareStatement("INSERT INTO orders (id, amount) VALUES (?, 10)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = my.getConnection().prepareStatement("INSERT INTO stock (id, qty) VALUES (?, 1)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        tm.commit();
        System.out.println("SURVIVED"); // the parent fails the test if it sees this
        System.exit(0);
    }
}
