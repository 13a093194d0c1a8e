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
 *   <li>{@code during-roll}, {@code during-cleanup}: transactions {@code key-0}, {@code key-1}, ... on two threads
 *       until the process halts at the point, which the engine's own switch ({@code -Ddtc.test.fault}, given by the
 *       parent) names: a roll of the decision log, with the transactions in flight carried across it;</li>
 *   <li>{@code none}: no halt (the restart that recovers); after the recovery pass, transactions {@code key-sXXXX-N}
 *       until the decision log has rolled once, so the log can be checked for its resting size after the exit. With
 *       {@code -Ddtc.test.fault=halt-during-recovery} the recovery pass itself halts half-way.</li>
 * </ul>
 * The decision log has the smallest segments ({@value #SEGMENT_BYTES} bytes), so it rolls every few transactions.
 * Arguments: point, log directory, key, then JDBC URL, user, password of PostgreSQL and of MySQL/MariaDB. Prints
 * {@code STARTED} first, {@code BEGIN key} before and {@code COMMITTED key} after a commit that returned,
 * {@code RECOVERED pending=N} after the recovery pass (and settling traffic) of a restart.
 */
public final class JtaMain {

    static final long SEGMENT_BYTES = 1024;

    private JtaMain() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("STARTED");
        System.out.flush();
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
                .defaultTimeout(Duration.ofSeconds(30)).recoveryInterval(Duration.ZERO).logSegmentBytes(SEGMENT_BYTES).build();
             TransactionalDataSource pg = XaDataSources.postgres(dtc, args[3], args[4], args[5]);
             TransactionalDataSource my = XaDataSources.mysql(dtc, args[6], args[7], args[8])) {
            // the restart: recovery settles what the halted run left, now that both data sources are registered
            dtc.recovery().scan();
            if (point.equals("none")) {
                int pending = dtc.recovery().pending().size();
                // settling traffic: one roll of the log after everything is finished, so the segment that stays
                // holds no carried record of the halted run
                String first = newestSegment(logDir);
                String settle = key + "-s" + Long.toString(System.nanoTime() % 1_000_000, 36) + "-";
                for (int i = 0; i < 60 && first.equals(newestSegment(logDir)); i++) {
                    commitOne(dtc, pg, my, settle + i);
                }
                System.out.println("RECOVERED pending=" + pending);
                System.out.flush();
                return;
            }
            if (point.startsWith("during-")) {
                // many transactions on two threads until the engine halts at its point during a roll
                AtomicInteger next = new AtomicInteger();
                Runnable loop = () -> {
                    for (int i = next.getAndIncrement(); i < 400; i = next.getAndIncrement()) {
                        try {
                            commitOne(dtc, pg, my, key + "-" + i);
                        } catch (Exception e) {
                            System.out.println("FAILED " + key + "-" + i + " " + e);
                            System.out.flush();
                        }
                    }
                };
                Thread other = new Thread(loop, "jta-load");
                other.start();
                loop.run();
                other.join();
                System.out.println("NEVER HALTED");
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
            commitOne(dtc, pg, my, key);
        }
    }

    /** One transaction inserting {@code key} into both databases. */
    private static void commitOne(TransactionService dtc, TransactionalDataSource pg, TransactionalDataSource my,
                                  String key) throws Exception {
        System.out.println("BEGIN " + key);
        System.out.flush();
        UserTransaction ut = dtc.userTransaction();
        ut.begin();
        // the engine's transaction id (DtcTransaction[id]): the log check knows the settling transactions by it
        System.out.println("TX " + key + " " + dtc.transactionManager().getTransaction());
        System.out.flush();
        try {
            try (Connection a = pg.getConnection(); Connection b = my.getConnection()) {
                for (Connection c : new Connection[] {a, b}) {
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO campaign_rows (tx) VALUES (?)")) {
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

    /** The name of the newest segment file of the decision log. */
    static String newestSegment(Path logDir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(logDir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("dtc-\\d+\\.log"))
                    .max(String::compareTo).orElse("");
        }
    }
}
