package dev.dtc.campaign.jtatakeover;

import dev.dtc.campaign.ChildProcess;
import dev.dtc.campaign.Part;
import dev.dtc.campaign.PreparedBranches;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The JTA face on the shared store: a coordinator embedded in an application dies (halts at a protocol point, as
 * kill -9 leaves it) in the middle of transactions over PostgreSQL and MySQL/MariaDB, and a second application
 * instance, with the same data sources registered, takes its node over once the lease runs out. Afterwards every
 * transaction the dead node began is in both databases or in neither, every one it reported committed is in both,
 * no prepared branch of it is left in {@code pg_prepared_xacts} or {@code XA RECOVER}, its records are gone from
 * the store and its lease is settled. The time from the death to the last of its branches finished is reported.
 */
public final class JtaTakeoverPart implements Part {
    static final String TOKEN = "jta-takeover";
    private static final String PG_DB = "campaign_jta_pg";
    private static final String MY_DB = "campaign_jta_my";
    private static final String STORE_DB = "campaign_jta_store";
    private static final String DEAD = "campaign-jta-a";
    private static final String SURVIVOR = "campaign-jta-b";
    private static final long LEASE_MS = 2_000;

    @Override
    public String name() {
        return "takeover-jta";
    }

    @Override
    public String description() {
        return "JTA face on the shared store: an application's coordinator halts before or after a decision under"
                + " load; another instance takes its node over; both databases and the store are checked";
    }

    @Override
    public List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        DatabaseServer pg = TestDatabases.postgres();
        DatabaseServer my = TestDatabases.mysql();
        pg.createDatabase(PG_DB);
        my.createDatabase(MY_DB);
        pg.createDatabase(STORE_DB);
        for (DatabaseServer s : List.of(pg, my)) {
            try (Connection c = s.connect(s == pg ? PG_DB : MY_DB); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS campaign_takeover (tx VARCHAR(64) PRIMARY KEY)");
            }
        }
        Random random = new Random(seed);
        Path work = Files.createTempDirectory("dtc-jta-takeover");
        List<Tally> tallies = new ArrayList<>();
        List<Long> takeoverMillis = new ArrayList<>();
        int rounds = size.pick(1, 8);
        for (String point : List.of("after-decision", "before-decision")) {
            long violations = 0;
            long inDoubt = 0;
            List<String> details = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                int haltAt = 5 + random.nextInt(size.pick(20, 60));
                Round round = new Round(work, pg, my, point, haltAt, "k" + Long.toString(seed, 36) + "-" + point
                        .charAt(0) + r + "-", log);
                round.run();
                violations += round.violations.size();
                inDoubt += round.inDoubt.size();
                details.addAll(round.violations);
                details.addAll(round.inDoubt);
                if (round.takeoverMillis >= 0) {
                    takeoverMillis.add(round.takeoverMillis);
                }
                log.printf("takeover-jta %s round %d: halted at the %d-th, %d begun, %d reported committed, %d"
                                + " committed by the takeover, %d rolled back; finished %d ms after the death;"
                                + " violations %d, in doubt %d%n", point, r, haltAt, round.begun, round.reported,
                        round.committedByTakeover, round.rolledBack, round.takeoverMillis, round.violations.size(),
                        round.inDoubt.size());
            }
            tallies.add(new Tally(name(), "coordinator halted " + point.replace('-', ' ') + ", node taken over",
                    "jta", rounds, violations, inDoubt, details));
        }
        takeoverMillis.sort(null);
        log.printf("takeover-jta: death to last branch finished, ms: min %d, median %d, max %d (lease %d ms)%n",
                takeoverMillis.get(0), takeoverMillis.get(takeoverMillis.size() / 2),
                takeoverMillis.get(takeoverMillis.size() - 1), LEASE_MS);
        return tallies;
    }

    /** One death and takeover, on a fresh schema of the store. */
    private static final class Round {
        final Path work;
        final DatabaseServer pg;
        final DatabaseServer my;
        final String point;
        final int haltAt;
        final String prefix;
        final PrintStream log;
        final String schema;
        final List<String> violations = new ArrayList<>();
        final List<String> inDoubt = new ArrayList<>();
        long takeoverMillis = -1;
        int begun;
        int reported;
        int committedByTakeover;
        int rolledBack;

        Round(Path work, DatabaseServer pg, DatabaseServer my, String point, int haltAt, String prefix,
              PrintStream log) {
            this.work = work;
            this.pg = pg;
            this.my = my;
            this.point = point;
            this.haltAt = haltAt;
            this.prefix = prefix;
            this.log = log;
            this.schema = "jta_" + prefix.replaceAll("[^a-z0-9]", "_");
        }

        String storeUrl() {
            String jdbc = pg.jdbcUrl(STORE_DB);
            return jdbc + (jdbc.contains("?") ? "&" : "?") + "schema=" + schema + "&user=" + pg.user()
                    + (pg.password() == null || pg.password().isEmpty() ? "" : "&password=" + pg.password());
        }

        ChildProcess node(String mode, String node, String tag) throws Exception {
            return new ChildProcess(node, work.resolve(prefix + tag + ".log")).start(List.of(), TOKEN, "STARTED",
                    JtaNodeMain.class.getName(), mode, node, storeUrl(), Long.toString(LEASE_MS), point,
                    Integer.toString(haltAt), prefix, pg.jdbcUrl(PG_DB), pg.user(), pg.password(), my.jdbcUrl(MY_DB),
                    my.user(), my.password());
        }

        void run() throws Exception {
            ChildProcess survivor = node("idle", SURVIVOR, "survivor");
            ChildProcess dead = node("load", DEAD, "dead");
            try {
                if (!dead.awaitExit(300)) {
                    violations.add(point + ": the coordinator did not reach its halt point in 300 s");
                    dead.kill();
                }
                long death = System.nanoTime();
                long deadline = death + 120_000_000_000L;
                List<String> left;
                while (true) {
                    left = leftovers();
                    if (left.isEmpty()) {
                        takeoverMillis = (System.nanoTime() - death) / 1_000_000;
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        inDoubt.addAll(left);
                        break;
                    }
                    Thread.sleep(50);
                }
                check(work.resolve(prefix + "dead.log"));
            } finally {
                dead.kill();
                survivor.stop();
            }
        }

        /** What still waits for the takeover: prepared branches of the dead node, its records, its lease unsettled. */
        List<String> leftovers() throws SQLException {
            List<String> left = new ArrayList<>();
            for (String gid : PreparedBranches.postgres(pg, PG_DB)) {
                if (gid.contains(DEAD)) {
                    left.add("prepared in PostgreSQL: " + gid);
                }
            }
            for (String data : PreparedBranches.mysql(my, MY_DB, d -> d.contains(DEAD))) {
                left.add("prepared in MariaDB: " + data);
            }
            try (Connection c = pg.connect(STORE_DB); Statement s = c.createStatement()) {
                s.execute("SET search_path TO " + schema);
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM dtc_record WHERE node = '" + DEAD + "'")) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        left.add("store: " + rs.getLong(1) + " record(s) of " + DEAD + " pending");
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT holder, settled FROM dtc_node WHERE node = '" + DEAD
                        + "'")) {
                    if (!rs.next() || rs.getString(1) != null || !rs.getBoolean(2)) {
                        left.add("store: the lease of " + DEAD + " is not released settled");
                    }
                }
            }
            return left;
        }

        /** All or nothing for every key the dead node began; every key it reported committed is in both. */
        void check(Path deadLog) throws IOException, SQLException {
            Set<String> started = new LinkedHashSet<>();
            Set<String> committed = new LinkedHashSet<>();
            java.util.Map<String, String> keyOfTx = new java.util.HashMap<>();
            Set<String> decidedTx = new LinkedHashSet<>();
            for (String line : Files.readAllLines(deadLog)) {
                if (line.startsWith("TX " + prefix)) {
                    String[] f = line.split(" ");
                    // "TX key DtcTransaction[id]"
                    String tx = f[2].substring(f[2].indexOf('[') + 1, f[2].length() - 1);
                    keyOfTx.put(tx, f[1]);
                } else if (line.startsWith("DECIDED ")) {
                    decidedTx.add(line.substring(8).strip());
                } else if (line.startsWith("BEGIN " + prefix)) {
                    started.add(line.substring(6).strip());
                } else if (line.startsWith("COMMITTED " + prefix)) {
                    committed.add(line.substring(10).strip());
                }
            }
            begun = started.size();
            reported = committed.size();
            if (begun == 0) {
                violations.add(point + ": the dead node began no transaction (nothing was tested)");
            }
            Set<String> inPg = keys(pg, PG_DB);
            Set<String> inMy = keys(my, MY_DB);
            Set<String> decided = new LinkedHashSet<>();
            for (String tx : decidedTx) {
                String k = keyOfTx.get(tx);
                if (k == null) {
                    violations.add(point + ": decision " + tx + " names no transaction the node printed");
                } else {
                    decided.add(k);
                }
            }
            if (point.equals("after-decision") && decided.size() < haltAt) {
                violations.add(point + ": only " + decided.size() + " decisions seen before the halt at the "
                        + haltAt + "-th");
            }
            for (String k : started) {
                boolean a = inPg.contains(k);
                boolean b = inMy.contains(k);
                if (a != b) {
                    violations.add(point + ": " + k + " is half done: PostgreSQL " + (a ? "has" : "lacks") + " it, MariaDB "
                            + (b ? "has" : "lacks") + " it");
                } else if (committed.contains(k) && !a) {
                    violations.add(point + ": " + k + " was reported committed but is in neither database");
                } else if (decided.contains(k) && !a) {
                    violations.add(point + ": " + k + " had a forced commit decision but is in neither database");
                } else if (a && !committed.contains(k)) {
                    committedByTakeover++;
                } else if (!a) {
                    rolledBack++;
                }
            }
        }

        private Set<String> keys(DatabaseServer s, String db) throws SQLException {
            Set<String> keys = new LinkedHashSet<>();
            try (Connection c = s.connect(db);
                 PreparedStatement p = c.prepareStatement("SELECT tx FROM campaign_takeover WHERE tx LIKE ?")) {
                p.setString(1, prefix + "%");
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getString(1));
                    }
                }
            }
            return keys;
        }
    }
}
