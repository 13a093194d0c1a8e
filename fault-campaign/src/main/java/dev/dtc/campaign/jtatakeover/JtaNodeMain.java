package dev.dtc.campaign.jtatakeover;

import dev.dtc.TransactionService;
import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import dev.dtc.store.postgresql.LeaseSettings;
import dev.dtc.store.postgresql.PostgresStore;
import dev.dtc.store.postgresql.StoreUrl;
import dev.dtc.xa.TransactionalDataSource;
import dev.dtc.xa.XaDataSources;
import jakarta.transaction.UserTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One JTA-face coordinator on the shared store, in a JVM of its own: a {@link TransactionService} whose decisions go
 * to PostgreSQL, with pooled XA data sources on PostgreSQL and MySQL/MariaDB (registered for recovery).
 * <ul>
 *   <li>{@code load}: four threads commit transactions that insert their key into both databases, printing
 *       {@code BEGIN key} and {@code COMMITTED key}; at the chosen point the process halts ({@code Runtime.halt},
 *       as kill -9 would leave it): {@code after-decision} when the {@code haltAt}-th decision is forced (no commit
 *       of it sent), {@code before-decision} when the {@code haltAt}-th transaction has both votes and no decision.
 *       The other threads' transactions are wherever they are: prepared, decided, committing.</li>
 *   <li>{@code idle}: the survivor; it only runs, and its engine takes over the dead node's work.</li>
 * </ul>
 * It also prints {@code TX key transaction} after each begin and {@code DECIDED id} once a decision is forced.
 * Arguments: mode, node name, store URL, lease ms, point, haltAt, key prefix, then JDBC URL, user, password of
 * PostgreSQL and of MySQL/MariaDB. Prints {@code STARTED} once the service runs.
 */
public final class JtaNodeMain {

    private JtaNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String node = args[1];
        long leaseMs = Long.parseLong(args[3]);
        String point = args[4];
        int haltAt = Integer.parseInt(args[5]);
        String prefix = args[6];
        LeaseSettings lease = new LeaseSettings(Duration.ofMillis(leaseMs), Duration.ofMillis(leaseMs / 5),
                Duration.ofMillis(leaseMs + leaseMs / 5));
        AtomicInteger decided = new AtomicInteger();
        AtomicInteger allVoted = new AtomicInteger();
        Map<String, AtomicInteger> votes = new ConcurrentHashMap<>();
        try (PostgresStore store = PostgresStore.open(StoreUrl.parse(args[2]), lease, 6);
             TransactionService dtc = TransactionService.builder().nodeName(node)
                     .decisionStore(store.decisions(null)).defaultTimeout(Duration.ofSeconds(30))
                     .recoveryInterval(Duration.ofSeconds(2))
                     .auditListener((AuditEvent e) -> {
                         if (!mode.equals("load")) {
                             return;
                         }
                         if (e.type() == EventType.DECISION_FORCED) {
                             // durable from here on: the campaign checks that every one of these ends committed
                             System.out.println("DECIDED " + e.txId());
                             System.out.flush();
                         }
                         if (point.equals("after-decision") && e.type() == EventType.DECISION_FORCED
                                 && decided.incrementAndGet() == haltAt) {
                             Runtime.getRuntime().halt(0);
                         }
                         if (point.equals("before-decision") && e.type() == EventType.VOTE_COMMIT
                                 && votes.computeIfAbsent(e.txId(), k -> new AtomicInteger()).incrementAndGet() == 2
                                 && allVoted.incrementAndGet() == haltAt) {
                             Runtime.getRuntime().halt(0);
                         }
                     })
                     .build();
             TransactionalDataSource pg = XaDataSources.postgres(dtc, args[7], args[8], args[9]);
             TransactionalDataSource my = XaDataSources.mysql(dtc, args[10], args[11], args[12])) {
            dtc.recovery().scan();
            System.out.println("STARTED");
            System.out.flush();
            if (mode.equals("idle")) {
                Thread.sleep(Long.MAX_VALUE);
                return;
            }
            List<Thread> threads = new ArrayList<>();
            AtomicInteger next = new AtomicInteger();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    while (true) {
                        String key = prefix + next.incrementAndGet();
                        try {
                            commitOne(dtc, pg, my, key);
                        } catch (Exception ex) {
                            System.out.println("FAILED " + key + " " + ex);
                            System.out.flush();
                        }
                    }
                }, "load-" + t);
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join(); // until the halt
            }
        }
    }

    private static void commitOne(TransactionService dtc, TransactionalDataSource pg, TransactionalDataSource my,
                                  String key) throws Exception {
        System.out.println("BEGIN " + key);
        System.out.flush();
        UserTransaction ut = dtc.userTransaction();
        ut.begin();
        System.out.println("TX " + key + " " + dtc.transactionManager().getTransaction());
        System.out.flush();
        try {
            try (Connection a = pg.getConnection(); Connection b = my.getConnection()) {
                for (Connection c : new Connection[] {a, b}) {
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO campaign_takeover (tx) VALUES (?)")) {
                        p.setString(1, key);
                        p.executeUpdate();
                    }
                }
            }
        } catch (Exception e) {
            ut.rollback();
            throw e;
        }
        ut.commit();
        System.out.println("COMMITTED " + key);
        System.out.flush();
    }
}
