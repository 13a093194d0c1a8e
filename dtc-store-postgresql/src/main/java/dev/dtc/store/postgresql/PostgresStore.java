package dev.dtc.store.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dtc.log.DecisionStore;
import dev.dtc.log.LogRecord;
import dev.dtc.log.SharedDecisionStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store several coordinators share: one PostgreSQL database (a schema of it) holding each node's decisions and
 * lease, and the state every coordinator must see alike (the HTTP face's outcomes, idempotency keys, participant
 * registry and locks). Connections come from a HikariCP pool: plain JDBC, no XA, which is what HikariCP is for.
 *
 * <pre>{@code
 * PostgresStore store = PostgresStore.open("postgresql://dtc@db:5432/dtc", LeaseSettings.DEFAULT);
 * TransactionService tm = TransactionService.builder()
 *         .nodeName("node-1")
 *         .decisionStore(store.decisions(null))
 *         ...
 * }</pre>
 *
 * <p>What the database must guarantee: a committed transaction survives a crash of the database
 * ({@code synchronous_commit} on, {@code fsync} on), and, with a standby, a failover loses no committed
 * transaction (synchronous replication). The store checks the first at start and refuses
 * {@code synchronous_commit = off}.
 */
public final class PostgresStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);

    /** How long, beyond the acquire wait, a starting node waits for a takeover of it to finish. */
    private static final long TAKEOVER_WAIT_SECONDS = 60;

    private final StoreUrl url;
    private final LeaseSettings leaseSettings;
    private final HikariDataSource pool;
    private final Leases leases;

    private PostgresStore(StoreUrl url, LeaseSettings leaseSettings, HikariDataSource pool) {
        this.url = url;
        this.leaseSettings = leaseSettings;
        this.pool = pool;
        this.leases = new Leases(pool);
    }

    /** Opens the store with the default pool size (8). */
    public static PostgresStore open(String url, LeaseSettings leaseSettings) throws IOException {
        return open(StoreUrl.parse(url), leaseSettings, 8);
    }

    /**
     * Connects, checks the database's durability settings and creates or migrates dtc's tables.
     *
     * @param poolSize connections at most: one is the decision writer's, one renews leases, the rest serve reads
     *                 and the HTTP face's shared state
     * @throws IOException if the database cannot be reached, is not durable, or has a newer schema; the message says
     *                     what to fix
     */
    public static PostgresStore open(StoreUrl url, LeaseSettings leaseSettings, int poolSize) throws IOException {
        if (poolSize < 3) {
            throw new IllegalArgumentException("the shared store needs a pool of at least 3 connections (the decision"
                    + " writer, the lease renewal and one for reads); got " + poolSize);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("dtc-store");
        config.setJdbcUrl(url.jdbcUrl());
        if (url.user() != null) {
            config.setUsername(url.user());
        }
        if (url.password() != null) {
            config.setPassword(url.password());
        }
        if (url.schema() != null) {
            config.setSchema(url.schema());
        }
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(2);
        // a coordinator whose store is unreachable at start should say so quickly, not hang
        config.setConnectionTimeout(TimeUnit.SECONDS.toMillis(5));
        config.setInitializationFailTimeout(TimeUnit.SECONDS.toMillis(5));
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IOException("cannot connect to the shared store at " + url.describe() + ": " + rootMessage(e)
                    + " (check the URL, that PostgreSQL runs and accepts this user)", e);
        }
        try {
            checkDurable(pool, url);
            Schema.migrate(pool, url.schema(), url.describe());
        } catch (IOException | RuntimeException e) {
            pool.close();
            throw e;
        }
        LOG.info("shared store at {}: ready (lease {} ms, renewed every {} ms)", url.describe(),
                leaseSettings.ttl().toMillis(), leaseSettings.renewEvery().toMillis());
        return new PostgresStore(url, leaseSettings, pool);
    }

    private static void checkDurable(DataSource ds, StoreUrl url) throws IOException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT current_setting('synchronous_commit'), current_setting('fsync')")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getString(1).equals("off") || rs.getString(2).equals("off")) {
                    throw new IOException("the shared store at " + url.describe() + " has synchronous_commit = "
                            + rs.getString(1) + " and fsync = " + rs.getString(2) + ": a decision it acknowledged could"
                            + " be lost in a crash of the database. Set both to on (ALTER SYSTEM or the role's settings)");
                }
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the settings of the shared store at " + url.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /**
     * The decision store of each node that opens it: it takes the node's lease (waiting up to
     * {@link LeaseSettings#acquireWait()} for a previous holder's lease to run out) and reads the node's pending
     * decisions.
     *
     * @param advertisedUrl where this coordinator answers HTTP, recorded with its lease so that other coordinators
     *                      can forward to it; null for none (the JTA face)
     */
    public DecisionStore.Opener decisions(String advertisedUrl) {
        return nodeName -> openNode(nodeName, nodeName + "/" + UUID.randomUUID().toString().substring(0, 8),
                advertisedUrl, false);
    }

    /** Opens a dead node's store for a takeover by {@code taker}; null if there is nothing to take over. */
    SharedDecisionStore takeOver(String deadNode, String taker) throws IOException {
        return openNode(deadNode, taker + "/" + UUID.randomUUID().toString().substring(0, 8) + " takeover", null,
                true);
    }

    private PostgresDecisionStore openNode(String node, String holder, String advertisedUrl, boolean takeover)
            throws IOException {
        if (node == null || node.isBlank()) {
            throw new IllegalArgumentException("a node name is needed to open its decisions");
        }
        long ttl = leaseSettings.ttl().toMillis();
        long deadline = System.nanoTime() + leaseSettings.acquireWait().toNanos();
        try {
            long epoch;
            while (true) {
                epoch = leases.acquire(node, holder, advertisedUrl, ttl, takeover);
                if (epoch > 0 || takeover) {
                    break;
                }
                Lease held = leases.read(node);
                boolean takenOver = held != null && held.holder() != null && held.holder().endsWith(" takeover");
                if (takenOver && System.nanoTime() >= deadline
                        && System.nanoTime() < deadline + TimeUnit.SECONDS.toNanos(TAKEOVER_WAIT_SECONDS)) {
                    // another coordinator is finishing this node's transactions: it releases the node when done
                    LOG.info("node {}: {} is finishing its transactions after its lease ran out; waiting for it",
                            node, held.holder());
                    Thread.sleep(1000);
                    continue;
                }
                if (takenOver && System.nanoTime() >= deadline) {
                    throw new IOException("node " + node + " is being taken over by " + held.holder() + " in the "
                            + describe() + ": that coordinator is still finishing the transactions this node left"
                            + " (a participant it needs may be down); start this node again once it released it, or"
                            + " under another node name");
                }
                if (System.nanoTime() >= deadline) {
                    throw new IOException("node " + node + " is held by a running coordinator (" + held.holder()
                            + (held.url() != null ? " at " + held.url() : "") + ", lease until " + held.expiresAt()
                            + ") in the " + describe() + ": a node name identifies one coordinator. Stop the other"
                            + " one, or give this one another node name (two coordinators with one name roll back"
                            + " each other's prepared branches)");
                }
                LOG.info("node {}: its lease is held by {} until {}; waiting for it to run out (a restart right after"
                        + " a crash finds its own old lease)", node, held.holder(), held.expiresAt());
                Thread.sleep(Math.min(1000, leaseSettings.renewEvery().toMillis()));
            }
            if (epoch < 0) {
                return null;
            }
            Map<String, List<LogRecord>> pending = new LinkedHashMap<>();
            long lastSeq;
            try (Connection c = pool.getConnection()) {
                lastSeq = PostgresDecisionStore.readPending(c, node, pending);
            }
            PostgresDecisionStore store = new PostgresDecisionStore(this, node, holder, epoch,
                    PostgresDecisionStore.frozen(pending), lastSeq);
            store.start();
            LOG.info("node {}: lease taken by {} at epoch {}{}", node, holder, epoch,
                    pending.isEmpty() ? "" : "; " + pending.size() + " transaction(s) pending");
            return store;
        } catch (SQLException e) {
            throw new IOException("cannot take the lease of node " + node + " in the " + describe() + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the lease of node " + node, e);
        }
    }

    /** A node's lease as it stands, or null if it never held one. */
    public Lease lease(String node) throws IOException {
        try {
            return leases.read(node);
        } catch (SQLException e) {
            throw new IOException("reading the lease of node " + node + " failed: " + e.getMessage(), e);
        }
    }

    /** The pending records of one transaction of a node (its decision and heuristics), empty if it has none. */
    public List<LogRecord> records(String node, String txId) throws IOException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT kind, payload"
                + " FROM dtc_record WHERE node = ? AND tx_id = ? ORDER BY seq")) {
            ps.setString(1, node);
            ps.setString(2, txId);
            List<LogRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] p = rs.getBytes(2);
                    out.add(rs.getShort(1) == dev.dtc.log.RecordType.DECISION.code() ? LogRecord.decision(txId, p)
                            : LogRecord.heuristic(txId, p));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IOException("reading transaction " + txId + " of node " + node + " failed: " + e.getMessage(), e);
        }
    }

    /** Connections for the shared state kept beside the decisions (outcomes, registry, locks). */
    public DataSource dataSource() {
        return pool;
    }

    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    Leases leaseTable() {
        return leases;
    }

    public LeaseSettings leaseSettings() {
        return leaseSettings;
    }

    /** For messages: where the store is, without the password. */
    public String describe() {
        return "shared store at " + url.describe();
    }

    @Override
    public void close() {
        pool.close();
    }
}
