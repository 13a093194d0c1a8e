package dev.dtc.campaign.crash;

import dev.dtc.TransactionService;
import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import dev.dtc.xa.TransactionalDataSource;
import dev.dtc.xa.XaDataSources;
import jakarta.transaction.UserTransaction;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JTA face for the crash matrix, in a JVM of its own: a {@link TransactionService} with pooled XA data sources
 * on PostgreSQL and MySQL/MariaDB, one transaction inserting the same key into both, and a halt
 * ({@code Runtime.halt}) at the chosen protocol point, seen through the public audit listener:
 * <ul>
 *   <li>{@code before-decision}: when the last branch has voted COMMIT (the decision is not forced yet);</li>
 *   <li>{@code after-decision}: when the decision is forced, before any commit;</li>
 *   <li>{@code between-commits}: when the second branch's commit is about to be sent (the first one's is sent, the
 *       two go out in parallel);</li>
 *   <li>{@code none}: no halt (the restart that recovers).</li>
 * </ul>
 * Arguments: point, log directory, key, then JDBC URL, user, password of PostgreSQL and of MySQL/MariaDB. Prints
 * {@code COMMITTED key} if the commit returned, {@code RECOVERED pending=N} after the recovery pass of a restart.
 */
public final class JtaMain {

    private JtaMain() {
    }

    public static void main(String[] args) throws Exception {
        String point = args[0];
        Path logDir = Path.of(args[1]);
        String key = args[2];
        for (int i = 0; i < 2; i++) {
            try (Connection c = java.sql.DriverManager.getConnection(args[3 + 3 * i], args[4 + 3 * i], args[5 + 3 * i]);
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS campaign_rows (tx VARCHAR(64) PRIMARY KEY)");
            }
        }
        AtomicInteger votes = new AtomicInteger();
        AtomicInteger commits = new AtomicInteger();
        try (TransactionService dtc = TransactionService.builder().nodeName("campaign-jta").logDirectory(logDir)
                .defaultTimeout(Duration.ofSeconds(30)).recoveryInterval(Duration.ZERO).build();
             TransactionalDataSource pg = XaDataSources.postgres(dtc, args[3], args[4], args[5]);
             TransactionalDataSource my = XaDataSources.mysql(dtc, args[6], args[7], args[8])) {
            // the restart: recovery settles what the halted run left, now that both data sources are registered
            dtc.recovery().scan();
            if (point.equals("none")) {
                System.out.println("RECOVERED pending=" + dtc.recovery().pending().size());
                System.out.flush();
                return;
            }
            dtc.addAuditListener((AuditEvent e) -> {
                boolean halt = switch (point) {
                    case "before-decision" -> e.type() == EventType.VOTE_COMMIT && votes.incrementAndGet() == 2;
                    case "after-decision" -> e.type() == EventType.DECISION_FORCED;
                    // phase 2 runs in parallel: the second COMMIT_SENT is the moment the first commit is on its way
                    // (or done) and the second not yet sent
                    case "between-commits" -> e.type() == EventType.COMMIT_SENT && commits.incrementAndGet() == 2;
                    default -> false;
                };
                if (halt) {
                    System.out.println("HALT " + point);
                    System.out.flush();
                    Runtime.getRuntime().halt(99);
                }
            });
            UserTransaction ut = dtc.userTransaction();
            ut.begin();
            try (Connection a = pg.getConnection(); Connection b = my.getConnection()) {
                for (Connection c : new Connection[] {a, b}) {
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO campaign_rows (tx) VALUES (?)")) {
                        p.setString(1, key);
                        p.executeUpdate();
                    }
                }
            }
            ut.commit();
            System.out.println("COMMITTED " + key);
            System.out.flush();
        }
    }
}
