package dev.dtc.campaign.bank;

import ch.qos.logback.classic.Level;
import dev.dtc.RecoveryReport;
import dev.dtc.TransactionService;
import dev.dtc.xa.PoolSettings;
import dev.dtc.xa.TransactionalDataSource;
import dev.dtc.xa.XaDataSources;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.slf4j.LoggerFactory;

/**
 * The JTA face of the bank, in a JVM of its own so that it can be killed: a {@link TransactionService} with a pooled
 * XA data source on each database, recovery at start, then (mode {@code run}) client threads doing transfers until
 * the process is killed, or (mode {@code recover}) recovery until nothing is pending, then a clean exit.
 *
 * <p>On stdout, one flushed line per event, written before the client acts on it ({@code S}) or after the client
 * was told ({@code C}, {@code R}, {@code U}):
 * <pre>
 * RECOVERY committed=n rolledBack=n           what the first recovery pass did with the branches left in doubt
 * READY                                      recovery ran, clients start
 * S id pg2my|my2pg pgAccount myAccount amount  a transfer begins
 * C id                                       ut.commit() returned: reported committed
 * R id reason                                rolled back, and the client was told so
 * U id reason                                the client was told something else (heuristic, system error)
 * RECOVERED pending=n failures=n             (mode recover) the last pass
 * </pre>
 */
public final class JtaBankChild {

    static final String PG_NAME = "bank-pg";
    static final String MY_NAME = "bank-my";

    private static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
            StandardCharsets.UTF_8);

    private JtaBankChild() {
    }

    static void emit(String line) {
        synchronized (OUT) {
            OUT.println(line);
            OUT.flush();
        }
    }

    /** Arguments {@code key=value}: mode, pgUrl, pgUser, pgPassword, myUrl, myUser, myPassword, node, logDir, incarnation, seed, clients, accounts, maxAmount. */
    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        Map<String, String> o = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            o.put(a.substring(0, eq), a.substring(eq + 1));
        }
        int clients = Integer.parseInt(o.get("clients"));
        TransactionService dtc = TransactionService.builder()
                .nodeName(o.get("node"))
                .logDirectory(Path.of(o.get("logDir")))
                .defaultTimeout(Duration.ofSeconds(20))
                .recoveryInterval(Duration.ofSeconds(5))
                .build();
        TransactionalDataSource pg = XaDataSources.postgres(dtc, o.get("pgUrl"), o.get("pgUser"), o.get("pgPassword"),
                PoolSettings.builder().name(PG_NAME).maxSize(Integer.parseInt(o.get("pgPool")))
                        .acquireTimeout(Duration.ofSeconds(20)).build());
        TransactionalDataSource my = XaDataSources.mysql(dtc, o.get("myUrl"), o.get("myUser"), o.get("myPassword"),
                PoolSettings.builder().name(MY_NAME).maxSize(clients).acquireTimeout(Duration.ofSeconds(20)).build());
        RecoveryReport first = dtc.recovery().scan();
        System.err.println("recovery at start: " + first);
        emit("RECOVERY committed=" + first.committed().size() + " rolledBack=" + first.rolledBack().size());
        if ("recover".equals(o.get("mode"))) {
            RecoveryReport last = first;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while ((!last.clean() || !dtc.recovery().pending().isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(500);
                last = dtc.recovery().scan();
                System.err.println("recovery: " + last);
            }
            emit("RECOVERED pending=" + dtc.recovery().pending().size() + " failures=" + last.failures().size()
                    + " heuristics=" + dtc.recovery().heuristics().size() + " " + dtc.recovery().pending()
                    + " " + last.failures());
            my.close();
            pg.close();
            dtc.close();
            System.exit(0);
        }
        emit("READY");
        long seed = Long.parseLong(o.get("seed"));
        int incarnation = Integer.parseInt(o.get("incarnation"));
        int accounts = Integer.parseInt(o.get("accounts"));
        int maxAmount = Integer.parseInt(o.get("maxAmount"));
        UserTransaction ut = dtc.userTransaction();
        for (int t = 0; t < clients; t++) {
            int thread = t;
            Random random = new Random(seed * 1_000_003L + incarnation * 1_009L + thread);
            Thread client = new Thread(() -> clientLoop(ut, pg, my, random, "i" + incarnation + "t" + thread + "n",
                    accounts, maxAmount), "bank-client-" + t);
            client.start();
        }
        // the clients run until the parent kills this JVM
    }

    private static void clientLoop(UserTransaction ut, TransactionalDataSource pg, TransactionalDataSource my,
                                   Random random, String idPrefix, int accounts, int maxAmount) {
        for (long n = 0; ; n++) {
            String id = idPrefix + n;
            int pgAccount = 1 + random.nextInt(accounts);
            int myAccount = 1 + random.nextInt(accounts);
            boolean pgToMy = random.nextBoolean();
            long amount = 1 + random.nextInt(maxAmount);
            emit("S " + id + " " + (pgToMy ? "pg2my" : "my2pg") + " " + pgAccount + " " + myAccount + " " + amount);
            emit(transfer(ut, pg, my, id, pgAccount, myAccount, pgToMy ? -amount : amount));
        }
    }

    /** One transfer; PostgreSQL is always touched first, so that no two transfers wait for each other in a cycle. */
    private static String transfer(UserTransaction ut, TransactionalDataSource pg, TransactionalDataSource my,
                                   String id, int pgAccount, int myAccount, long pgDelta) {
        try {
            ut.begin();
        } catch (Exception e) {
            return "R " + id + " begin:" + oneWord(e);
        }
        String refused;
        try (Connection p = pg.getConnection(); Connection m = my.getConnection()) {
            refused = move(p, pgAccount, pgDelta, id) ? (move(m, myAccount, -pgDelta, id) ? null : "funds") : "funds";
        } catch (SQLException | RuntimeException e) {
            refused = "sql:" + oneWord(e);
        }
        if (refused != null) {
            try {
                ut.rollback();
                return "R " + id + " " + refused;
            } catch (Exception e) {
                return "U " + id + " rollback:" + oneWord(e);
            }
        }
        try {
            ut.commit();
            return "C " + id;
        } catch (RollbackException e) {
            return "R " + id + " commit:" + oneWord(e);
        } catch (HeuristicMixedException | HeuristicRollbackException e) {
            return "U " + id + " heuristic:" + oneWord(e);
        } catch (Exception e) {
            try {
                if (ut.getStatus() != Status.STATUS_NO_TRANSACTION) {
                    ut.rollback();
                }
            } catch (Exception ignored) {
                // the outcome stays unknown to the client
            }
            return "U " + id + " commit:" + oneWord(e);
        }
    }

    /** Adds delta to the account (a debit only if the balance stays >= 0) and writes the history row. */
    private static boolean move(Connection c, int account, long delta, String id) throws SQLException {
        try (PreparedStatement u = c.prepareStatement(
                "UPDATE account SET balance = balance + ? WHERE id = ? AND balance + ? >= 0")) {
            u.setLong(1, delta);
            u.setInt(2, account);
            u.setLong(3, delta);
            if (u.executeUpdate() != 1) {
                return false;
            }
        }
        try (PreparedStatement h = c.prepareStatement(
                "INSERT INTO history (transfer_id, account_id, delta) VALUES (?, ?, ?)")) {
            h.setString(1, id);
            h.setInt(2, account);
            h.setLong(3, delta);
            h.executeUpdate();
        }
        return true;
    }

    private static String oneWord(Throwable e) {
        String s = e.getClass().getSimpleName() + ":" + e.getMessage();
        return s.replaceAll("\\s+", "_");
    }
}
