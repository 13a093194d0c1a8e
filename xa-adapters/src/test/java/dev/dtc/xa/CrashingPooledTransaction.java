package dev.dtc.xa;

import dev.dtc.TransactionService;
import dev.dtc.audit.EventType;
import jakarta.transaction.UserTransaction;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child process of {@link PooledCrashRecoveryTest}: one transaction over PostgreSQL and MySQL/MariaDB written
 * the way an application writes it (pooled data sources, plain JDBC, no enlisting by hand), dying at the point
 * it is told: with {@code Runtime.halt} after both votes, or by waiting for SIGKILL once the decision is forced.
 *
 * <p>Arguments: logDir crashPoint orderId nodeName pgUrl pgUser pgPassword myUrl myUser myPassword.
 */
public final class CrashingPooledTransaction {

    public static void main(String[] args) throws Exception {
        Path logDir = Path.of(args[0]);
        CrashingTransaction.CrashPoint point = CrashingTransaction.CrashPoint.valueOf(args[1]);
        String id = args[2];
        String node = args[3];
        AtomicInteger votes = new AtomicInteger();
        TransactionService dtc = TransactionService.builder().nodeName(node).logDirectory(logDir)
                .defaultTimeout(Duration.ofSeconds(60)).recoveryInterval(Duration.ZERO)
                .auditListener(e -> {
                    if (point == CrashingTransaction.CrashPoint.AFTER_PREPARE && e.type() == EventType.VOTE_COMMIT
                            && votes.incrementAndGet() == 2) {
                        System.out.println("DYING " + point);
                        System.out.flush();
                        Runtime.getRuntime().halt(42);
                    }
                    if (point == CrashingTransaction.CrashPoint.AFTER_DECISION && e.type() == EventType.DECISION_FORCED) {
                        System.out.println("KILL-ME " + e.txId());
                        System.out.flush();
                        HookedXAResource.sleep(600_000); // the parent sends SIGKILL
                    }
                })
                .build();
        TransactionalDataSource orders = XaDataSources.postgres(dtc, args[4], args[5], args[6],
                PoolSettings.builder().name("orders").build());
        TransactionalDataSource stock = XaDataSources.mysql(dtc, args[7], args[8], args[9],
                PoolSettings.builder().name("stock").build());

        UserTransaction ut = dtc.userTransaction();
        ut.begin();
        try (Connection o = orders.getConnection(); Connection s = stock.getConnection()) {
            PooledJdbc.insertOrder(o, id);
            PooledJdbc.insertStock(s, id);
        }
        ut.commit();
        System.out.println("SURVIVED"); // the parent fails the test if it sees this
        System.exit(0);
    }
}
