package dev.dtc.campaign.late;

import dev.dtc.PendingDecision;
import dev.dtc.TransactionService;
import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import dev.dtc.xa.NoJoinMysqlXADataSource;
import dev.dtc.xa.PoolSettings;
import dev.dtc.xa.TransactionalDataSource;
import dev.dtc.xa.XaDataSources;
import dev.dtc.xa.XaRecovery;
import jakarta.transaction.UserTransaction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JTA face for the {@code late} part, in a JVM of its own: a {@link TransactionService} with pooled XA data
 * sources on PostgreSQL ({@code late-pg}) and MySQL/MariaDB ({@code late-my}, reached through the part's TCP proxy).
 *
 * <p>Modes (first argument):
 * <ul>
 *   <li>{@code before-decision} / {@code after-decision}: commits one transaction inserting the key into both and
 *       halts ({@code Runtime.halt}) when the last branch voted COMMIT / when the decision is forced;</li>
 *   <li>{@code unreachable}: the restart, with MariaDB registered for recovery under {@code late-my} through the
 *       proxy, which may refuse connections (a pooled data source cannot be built while its database is down:
 *       {@code XaDataSources.mysql} checks the server first, so a recovery registration of a plain XA data source
 *       is what an application can do);</li>
 *   <li>{@code unregistered}: the restart with only {@code late-pg}; {@code late-my} is built (and so registered)
 *       once the file {@code go} appears in the log directory's parent, i.e. late, in the same process.</li>
 * </ul>
 * A restart runs recovery every second and writes what {@code recovery().pending()} says to the status file
 * (first line {@code pending=N registered=yes|no}, then one line per open decision) twice a second.
 *
 * <p>Arguments: mode, log directory, key, status file, then JDBC URL, user, password of PostgreSQL and of
 * MySQL/MariaDB (the proxy's URL). Prints {@code HALT mode} before halting, {@code RESTARTED} when a restart is up,
 * {@code REGISTERED} when the late data source is built.
 */
public final class LateJtaMain {

    static final String NODE = "late-jta";

    private LateJtaMain() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path logDir = Path.of(args[1]);
        String key = args[2];
        Path status = Path.of(args[3]);
        boolean restart = mode.equals("unreachable") || mode.equals("unregistered");
        if (!restart) {
            for (int i = 0; i < 2; i++) {
                try (Connection c = java.sql.DriverManager.getConnection(args[4 + 3 * i], args[5 + 3 * i],
                        args[6 + 3 * i]); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS campaign_rows (tx VARCHAR(64) PRIMARY KEY)");
                }
            }
        }
        PoolSettings pgSettings = PoolSettings.builder().name("late-pg").build();
        PoolSettings mySettings = PoolSettings.builder().name("late-my").build();
        try (TransactionService dtc = TransactionService.builder().nodeName(NODE).logDirectory(logDir)
                .defaultTimeout(Duration.ofSeconds(30))
                .recoveryInterval(restart ? Duration.ofSeconds(1) : Duration.ZERO).build();
             TransactionalDataSource pg = XaDataSources.postgres(dtc, args[4], args[5], args[6], pgSettings)) {
            if (restart) {
                restart(dtc, mode, status, logDir.getParent().resolve("go"), args, mySettings);
                return;
            }
            try (TransactionalDataSource my = XaDataSources.mysql(dtc, args[7], args[8], args[9], mySettings)) {
                commitAndHalt(dtc, mode, key, pg, my);
            }
        }
    }

    private static void commitAndHalt(TransactionService dtc, String point, String key, TransactionalDataSource pg,
                                      TransactionalDataSource my) throws Exception {
        AtomicInteger votes = new AtomicInteger();
        dtc.addAuditListener((AuditEvent e) -> {
            boolean halt = switch (point) {
                case "before-decision" -> e.type() == EventType.VOTE_COMMIT && votes.incrementAndGet() == 2;
                case "after-decision" -> e.type() == EventType.DECISION_FORCED;
                default -> false;
            };
            if (halt) {
                System.out.println("HALT " + point + " " + e.txId());
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
        System.out.println("COMMITTED " + key); // the point was not reached: the parent counts it as a violation
        System.out.flush();
    }

    private static void restart(TransactionService dtc, String mode, Path status, Path go, String[] args,
                                PoolSettings mySettings) throws Exception {
        boolean[] registered = {false};
        AutoCloseable mine;
        if (mode.equals("unreachable")) {
            // no server check here: the database may be down
            NoJoinMysqlXADataSource ds = new NoJoinMysqlXADataSource();
            ds.setUrl(args[7]);
            ds.setUser(args[8]);
            ds.setPassword(args[9]);
            mine = XaRecovery.register(dtc.recovery(), "late-my", ds);
            registered[0] = true;
        } else {
            mine = null;
        }
        Thread writer = new Thread(() -> {
            while (true) {
                try {
                    StringBuilder b = new StringBuilder();
                    var pending = dtc.recovery().pending();
                    b.append("pending=").append(pending.size()).append(" registered=")
                            .append(registered[0] ? "yes" : "no").append('\n');
                    for (PendingDecision p : pending) {
                        b.append(p.txId()).append(" unfinished=").append(p.unfinished()).append(" missing=")
                                .append(p.missingResources()).append('\n');
                    }
                    Path tmp = status.resolveSibling(status.getFileName() + ".tmp");
                    Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
                    Files.move(tmp, status, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }
        }, "status");
        writer.setDaemon(true);
        writer.start();
        System.out.println("RESTARTED " + mode);
        System.out.flush();
        if (mode.equals("unregistered")) {
            while (!Files.exists(go)) {
                Thread.sleep(200);
            }
            // the database was reachable all along; only the application registers it late
            mine = XaDataSources.mysql(dtc, args[7], args[8], args[9], mySettings);
            registered[0] = true;
            System.out.println("REGISTERED late-my");
            System.out.flush();
        }
        try (AutoCloseable keep = mine) {
            Thread.sleep(Long.MAX_VALUE); // the parent kills it
        }
    }
}
