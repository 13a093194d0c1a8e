package dev.dtc.campaign.random;

import dev.dtc.campaign.ChildProcess;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The JTA face of the randomized mode: in each iteration a child JVM ({@link RandomJtaChild}) runs
 * {@value #CLIENTS} client threads committing transactions that insert one row with the same key into PostgreSQL
 * and MySQL/MariaDB; it is killed with {@code kill -9} at a moment drawn from the seed; a second child on the same log
 * directory runs recovery; then the keys of the iteration are checked.
 */
final class JtaRandomFace {

    static final String FACE = "jta";
    static final int CLIENTS = 8;
    static final String NODE = "random-jta";
    static final String DB = "campaign_random_jta";

    List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        int iterations = size.pick(3, 60);
        DatabaseServer pg = TestDatabases.postgres();
        DatabaseServer my = TestDatabases.mysql();
        pg.createDatabase(DB);
        my.createDatabase(DB);
        Path work = Files.createTempDirectory("dtc-campaign-random-jta");
        Path logDir = work.resolve("jta-log");
        Path ledger = work.resolve("ledger");
        String run = "j" + Long.toString(System.currentTimeMillis(), 36);
        Random master = new Random(seed ^ 0x72616e646f6d6aL);
        log.printf(Locale.ROOT, "random jta: seed %d, run %s, %d iterations, files in %s%n", seed, run, iterations,
                work);
        List<String> problems = new ArrayList<>();
        long inDoubt = 0;
        long done = 0;
        long t0 = System.nanoTime();
        long reportedCommitted = 0; // a kill may land before the first commit; a face where none ever does is broken
        for (int i = 0; i < iterations; i++) {
            Random r = new Random(master.nextLong());
            int delayMs = 200 + r.nextInt(3_801);
            String where = "seed " + seed + " iteration " + i;
            String prefix = run + "-" + i + "-";
            log.printf(Locale.ROOT, "random jta: iteration %d (seed %d): kill -9 of the child %d ms after READY%n", i,
                    seed, delayMs);
            List<String> common = List.of("node=" + NODE, "logDir=" + logDir, "ledger=" + ledger, "prefix=" + prefix,
                    "clients=" + CLIENTS, "pgUrl=" + pg.jdbcUrl(DB), "pgUser=" + pg.user(),
                    "pgPassword=" + pg.password(), "myUrl=" + my.jdbcUrl(DB), "myUser=" + my.user(),
                    "myPassword=" + my.password());
            List<String> found = new ArrayList<>();
            List<String> left = List.of();
            try {
                List<String> args = new ArrayList<>(common);
                args.add("mode=run");
                ChildProcess child = new ChildProcess("jta-run", work.resolve("jta-run.log")).start(List.of(), "-",
                        "READY", RandomJtaChild.class.getName(), args.toArray(String[]::new));
                Thread.sleep(delayMs);
                child.kill(); // destroyForcibly: SIGKILL
                args.set(args.size() - 1, "mode=recover");
                String broken = System.getProperty("dtc.campaign.random.break");
                List<String> jvm = "skip-recovery".equals(broken)
                        ? List.of("-Ddtc.campaign.random.break=skip-recovery") : List.of();
                ChildProcess recovery = new ChildProcess("jta-recover", work.resolve("jta-recover.log")).start(jvm,
                        "-", "RECOVERED", RandomJtaChild.class.getName(), args.toArray(String[]::new));
                if (!recovery.awaitExit(60)) {
                    found.add(where + ": the recovering child did not exit in 60 s");
                }
                recovery.kill();
                Set<String> started = new HashSet<>();
                Set<String> committed = new HashSet<>();
                for (String line : Files.readAllLines(ledger)) {
                    if (line.startsWith("S " + prefix)) {
                        started.add(line.substring(2));
                    } else if (line.startsWith("C " + prefix)) {
                        committed.add(line.substring(2));
                    }
                }
                Map<String, String> inPg = Rows.read(pg, DB, "random_jta", prefix);
                Map<String, String> inMy = Rows.read(my, DB, "random_jta", prefix);
                for (String key : committed) {
                    if (!inPg.containsKey(key) || !inMy.containsKey(key)) {
                        found.add(where + " key " + key + ": reported committed but in PostgreSQL "
                                + inPg.containsKey(key) + ", in MySQL/MariaDB " + inMy.containsKey(key));
                    }
                }
                Set<String> anywhere = new HashSet<>(inPg.keySet());
                anywhere.addAll(inMy.keySet());
                int inFlightCommitted = 0;
                for (String key : anywhere) {
                    if (inPg.containsKey(key) != inMy.containsKey(key)) {
                        found.add(where + " key " + key + ": not all or nothing: in PostgreSQL "
                                + inPg.containsKey(key) + ", in MySQL/MariaDB " + inMy.containsKey(key)
                                + (committed.contains(key) ? " (reported committed)" : ""));
                    }
                    if (!started.contains(key)) {
                        found.add(where + " key " + key + ": a row for a key no client began");
                    }
                    if (!committed.contains(key) && inPg.containsKey(key) && inMy.containsKey(key)) {
                        inFlightCommitted++;
                    }
                }
                left = new ArrayList<>(Rows.preparedInPostgres(pg, DB));
                left.addAll(Rows.preparedInMysql(my, DB, NODE + "/", ""));
                log.printf(Locale.ROOT, "random jta: iteration %d: %d transactions begun, %d reported committed, %d in"
                                + " flight at the kill (%d of them found committed in both), rows %d/%d; %s%n", i,
                        started.size(), committed.size(), started.size() - committed.size(), inFlightCommitted,
                        inPg.size(), inMy.size(), found.isEmpty() && left.isEmpty() ? "ok"
                                : found.size() + " violations, " + left.size() + " left prepared");
                reportedCommitted += committed.size();
            } catch (Exception e) {
                found.add(where + ": " + e);
            }
            found.forEach(v -> log.println("random jta: VIOLATION " + v));
            left.forEach(l -> log.println("random jta: IN DOUBT " + where + ": " + l));
            problems.addAll(found.size() > 5 ? found.subList(0, 5) : found);
            if (found.size() > 5) {
                problems.add(where + ": and " + (found.size() - 5) + " more violations (see the log)");
            }
            for (String l : left) {
                problems.add(where + ": left after recovery: " + l);
            }
            inDoubt += left.size();
            done++;
        }
        if (reportedCommitted == 0) {
            problems.add("seed " + seed + ": no transaction was reported committed in any iteration: the face proves"
                    + " nothing");
        }
        log.printf(Locale.ROOT, "random jta: %d iterations in %d s%n", done,
                Duration.ofNanos(System.nanoTime() - t0).toSeconds());
        return List.of(new Tally("random", "kill -9 of the JVM at a random moment under " + CLIENTS
                + " clients, restart, recovery", FACE, done, problems.size(), inDoubt, problems));
    }
}
