package dev.dtc.campaign.random;

import ch.qos.logback.classic.Level;
import dev.dtc.RecoveryReport;
import dev.dtc.TransactionService;
import dev.dtc.xa.PoolSettings;
import dev.dtc.xa.TransactionalDataSource;
import dev.dtc.xa.XaDataSources;
import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The JTA face of the randomized mode, in a JVM of its own so that it can be killed: a {@link TransactionService}
 * with a pooled XA data source on PostgreSQL and one on MySQL/MariaDB.
 * <ul>
 *   <li>mode {@code run}: a recovery pass, {@code READY}, then client threads that each commit transactions
 *       inserting one row with the same key into both databases, until the campaign kills the JVM;</li>
 *   <li>mode {@code recover}: recovery passes until nothing is pending, {@code RECOVERED pending=n}, exit.</li>
 * </ul>
 * Each client writes {@code S key} to the ledger file before it begins a transaction and {@code C key} once
 * {@code commit()} has returned (then also prints {@code C key} on stdout, flushed). The ledger is written with one
 * unbuffered {@code write} per line, so what was written is in the file even after a {@code kill -9}.
 *
 * <p>Arguments {@code key=value}: mode, node, logDir, ledger, prefix, clients, pgUrl, pgUser, pgPassword, myUrl,
 * myUser, myPassword. To see the part fail on purpose, {@code -Ddtc.campaign.random.break=skip-recovery} makes mode
 * {@code recover} skip its recovery passes.
 */
public final class RandomJtaChild {

    static final String TABLE_DDL = "CREATE TABLE IF NOT EXISTS random_jta (k VARCHAR(100) PRIMARY KEY,"
            + " tx VARCHAR(100))";

    private static FileOutputStream ledger;

    private RandomJtaChild() {
    }

    private static void record(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (RandomJtaChild.class) {
            try {
                ledger.write(bytes);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write the ledger", e);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        Map<String, String> o = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            o.put(a.substring(0, eq), a.substring(eq + 1));
        }
        int clients = Integer.parseInt(o.get("clients"));
        for (String db : new String[] {"pg", "my"}) {
            try (Connection c = DriverManager.getConnection(o.get(db + "Url"), o.get(db + "User"),
                    o.get(db + "Password")); Statement s = c.createStatement()) {
                s.execute(TABLE_DDL);
            }
        }
        boolean recover = o.get("mode").equals("recover");
        boolean skipRecovery = recover && "skip-recovery".equals(System.getProperty("dtc.campaign.random.break"));
        TransactionService dtc = TransactionService.builder().nodeName(o.get("node"))
                .logDirectory(Path.of(o.get("logDir"))).defaultTimeout(Duration.ofSeconds(30))
                .recoveryInterval(Duration.ZERO).build();
        TransactionalDataSource pg = XaDataSources.postgres(dtc, o.get("pgUrl"), o.get("pgUser"), o.get("pgPassword"),
                PoolSettings.builder().name("random-pg").maxSize(clients).acquireTimeout(Duration.ofSeconds(20))
                        .build());
        TransactionalDataSource my = XaDataSources.mysql(dtc, o.get("myUrl"), o.get("myUser"), o.get("myPassword"),
                PoolSettings.builder().name("random-my").maxSize(clients).acquireTimeout(Duration.ofSeconds(20))
                        .build());
        if (recover) {
            int passes = 0;
            if (!skipRecovery) {
                RecoveryReport last = dtc.recovery().scan();
                passes++;
                System.err.println("recovery: " + last);
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while ((!last.clean() || !dtc.recovery().pending().isEmpty()) && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                    last = dtc.recovery().scan();
                    passes++;
                    System.err.println("recovery: " + last);
                }
            }
            System.out.println("RECOVERED pending=" + dtc.recovery().pending().size() + " passes=" + passes);
            System.out.flush();
            my.close();
            pg.close();
            dtc.close();
            System.exit(0);
        }
        dtc.recovery().scan(); // what an earlier run left, before new work
        ledger = new FileOutputStream(o.get("ledger"), true);
        System.out.println("READY");
        System.out.flush();
        UserTransaction ut = dtc.userTransaction();
        String prefix = o.get("prefix");
        for (int t = 0; t < clients; t++) {
            String keyPrefix = prefix + t + "-";
            Thread client = new Thread(() -> {
                for (long n = 0; ; n++) {
                    String key = keyPrefix + n;
                    record("S " + key);
                    if (commit(ut, pg, my, key)) {
                        record("C " + key);
                        synchronized (System.out) {
                            System.out.println("C " + key);
                            System.out.flush();
                        }
                    }
                }
            }, "random-jta-client-" + t);
            client.start();
        }
        // the clients run until the campaign kills this JVM
    }

    /** One transaction inserting the key into both databases; true once commit() returned. */
    private static boolean commit(UserTransaction ut, TransactionalDataSource pg, TransactionalDataSource my,
                                  String key) {
        try {
            ut.begin();
            try (Connection a = pg.getConnection(); Connection b = my.getConnection()) {
                for (Connection c : new Connection[] {a, b}) {
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO random_jta (k) VALUES (?)")) {
                        p.setString(1, key);
                        p.executeUpdate();
                    }
                }
            }
            ut.commit();
            return true;
        } catch (Exception e) {
            System.err.println("transaction " + key + " failed: " + e);
            try {
                if (ut.getStatus() != Status.STATUS_NO_TRANSACTION) {
                    ut.rollback();
                }
            } catch (Exception ignored) {
                // its outcome is for recovery to settle
            }
            return false;
        }
    }
}
