package dev.dtc.campaign.bank;

import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import dev.dtc.campaign.bank.Ledger.Outcome;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The JTA face of the bank: {@link JtaBankChild} under load, killed with {@code kill -9} every few seconds (the delay
 * drawn from the seed) and restarted on the same log directory, so that each start recovers what the last kill left;
 * after the load a last start that only recovers, then {@link BankCheck}.
 */
final class JtaBankFace {

    static final String FACE = "jta";
    static final int CLIENTS = 16;
    static final int ACCOUNTS = 16;
    static final long INITIAL_BALANCE = 1_000;
    static final int MAX_AMOUNT = 400;
    /** PostgreSQL's connections are scarce on the shared machine (max_connections 100): fewer than the clients. */
    static final int PG_POOL = 10;

    private JtaBankFace() {
    }

    static List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        Duration load = Duration.ofSeconds(size.pick(35, 15 * 60)); // with the HTTP face: about 2 min at CI size, 30 min of load at full size
        int minDelayMs = size.pick(3_000, 2_000);
        int maxDelayMs = size.pick(7_000, 10_000);
        Random random = new Random(seed);
        String runId = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(random.nextInt(36 * 36), 36);
        String node = "bank-jta-" + runId;
        DatabaseServer pgServer = TestDatabases.postgres();
        DatabaseServer myServer = TestDatabases.mysql();
        BankDatabases dbs = new BankDatabases(pgServer, myServer, "bank_" + runId, ACCOUNTS, INITIAL_BALANCE);
        dbs.create();
        Path dir = Files.createTempDirectory("dtc-bank-jta-");
        Path logDir = dir.resolve("log");
        log.printf(Locale.ROOT, "bank jta: seed %d, node %s, databases %s (postgres %s, mysql %s), files in %s%n", seed,
                node, dbs.database, pgServer.origin(), myServer.origin(), dir);

        List<String> common = List.of("node=" + node, "logDir=" + logDir,
                "pgUrl=" + pgServer.jdbcUrl(dbs.database), "pgUser=" + pgServer.user(),
                "pgPassword=" + pgServer.password(), "myUrl=" + myServer.jdbcUrl(dbs.database),
                "myUser=" + myServer.user(), "myPassword=" + myServer.password(), "clients=" + CLIENTS,
                "accounts=" + ACCOUNTS, "maxAmount=" + MAX_AMOUNT, "pgPool=" + PG_POOL, "seed=" + seed);
        List<String> harness = new ArrayList<>();
        List<ChildJvm> children = new ArrayList<>();
        int kills = 0;
        int startKills = 0;
        long loadNanos = 0;
        long started = System.nanoTime();
        for (int incarnation = 1; loadNanos < load.toNanos(); incarnation++) {
            List<String> args = new ArrayList<>(common);
            args.add("mode=run");
            args.add("incarnation=" + incarnation);
            ChildJvm child = ChildJvm.start(JtaBankChild.class, dir.resolve("run-" + incarnation + ".out"),
                    dir.resolve("run-" + incarnation + ".err"), args);
            children.add(child);
            if (random.nextInt(4) == 0) {
                // one start in four is killed while it starts: in the middle of recovery, or just after
                int early = 300 + random.nextInt(1_700);
                if (child.process.waitFor(early, TimeUnit.MILLISECONDS)) {
                    harness.add("seed " + seed + ": process " + incarnation + " ended by itself with status "
                            + child.process.exitValue() + ": " + child.errTail());
                    break;
                }
                child.kill();
                kills++;
                startKills++;
                log.printf(Locale.ROOT, "bank jta: kill %d %d ms after the start (%s)%n", kills, early,
                        child.out().contains("READY\n") ? "after its recovery pass" : "before READY: during start-up"
                                + " or recovery");
                continue;
            }
            if (!child.awaitLine("READY"::equals, Duration.ofSeconds(120))) {
                harness.add("seed " + seed + ": process " + incarnation + " did not get ready (alive "
                        + child.process.isAlive() + "): " + child.errTail());
                child.kill();
                break;
            }
            long ready = System.nanoTime();
            int delay = minDelayMs + random.nextInt(maxDelayMs - minDelayMs + 1);
            if (child.process.waitFor(delay, TimeUnit.MILLISECONDS)) {
                harness.add("seed " + seed + ": process " + incarnation + " ended by itself with status "
                        + child.process.exitValue() + ": " + child.errTail());
                break;
            }
            child.kill();
            kills++;
            loadNanos += System.nanoTime() - ready;
            long lines = child.out().lines().filter(l -> l.startsWith("C ")).count();
            log.printf(Locale.ROOT, "bank jta: kill %d after %d ms of load (%d transfers reported committed by that"
                    + " process)%n", kills, delay, lines);
        }

        // a last start that only recovers, then exits cleanly
        List<String> args = new ArrayList<>(common);
        args.add("mode=recover");
        args.add("incarnation=0");
        ChildJvm last = ChildJvm.start(JtaBankChild.class, dir.resolve("recover.out"), dir.resolve("recover.err"), args);
        long inDoubt = 0;
        List<String> inDoubtDetails = new ArrayList<>();
        if (!last.process.waitFor(180, TimeUnit.SECONDS) || last.process.exitValue() != 0) {
            harness.add("seed " + seed + ": the last start (recovery only) did not end cleanly: " + last.errTail());
            last.kill();
        }
        String recovered = last.out().lines().filter(l -> l.startsWith("RECOVERED ")).findFirst().orElse(null);
        if (recovered == null) {
            harness.add("seed " + seed + ": the last start printed no RECOVERED line: " + last.errTail());
        } else if (!recovered.startsWith("RECOVERED pending=0 failures=0 heuristics=0 ")) {
            inDoubt++;
            inDoubtDetails.add("seed " + seed + ": recovery left " + recovered);
        }
        List<String> preparedPg = dbs.preparedInPostgres();
        List<String> preparedMy = dbs.preparedInMysql(List.of(node));
        inDoubt += preparedPg.size() + preparedMy.size();
        preparedPg.forEach(g -> inDoubtDetails.add("seed " + seed + ": still prepared in PostgreSQL: " + g));
        preparedMy.forEach(g -> inDoubtDetails.add("seed " + seed + ": still prepared in MySQL/MariaDB: " + g));

        Ledger ledger = new Ledger();
        long[] recoveredBranches = new long[2];
        List<ChildJvm> all = new ArrayList<>(children);
        all.add(last);
        for (int i = 0; i < all.size(); i++) {
            String out = all.get(i).out();
            ledger.read("process " + (i + 1), out);
            out.lines().filter(l -> l.startsWith("RECOVERY ")).forEach(l -> {
                String[] f = l.split("[ =]");
                recoveredBranches[0] += Long.parseLong(f[2]);
                recoveredBranches[1] += Long.parseLong(f[4]);
            });
        }
        BankCheck check = new BankCheck(dbs.expectedTotal(), INITIAL_BALANCE, ledger, dbs.postgresState(),
                dbs.mysqlState());
        long attempted = ledger.transfers.size();
        long committed = ledger.count(Outcome.COMMITTED);
        if (committed == 0) {
            harness.add("seed " + seed + ": no transfer was reported committed: the run proves nothing");
        }
        long rolledBack = ledger.count(Outcome.ROLLED_BACK);
        long funds = ledger.transfers.values().stream()
                .filter(t -> t.outcome == Outcome.ROLLED_BACK && t.reason.equals("funds")).count();
        long inFlight = ledger.count(Outcome.IN_FLIGHT);
        long unknown = ledger.count(Outcome.UNKNOWN);
        List<String> bankViolations = new ArrayList<>(harness);
        check.bankViolations.forEach(v -> bankViolations.add("seed " + seed + ": " + v));
        List<String> transferViolations = new ArrayList<>();
        check.transferViolations.forEach(v -> transferViolations.add("seed " + seed + ": " + v));
        boolean holds = bankViolations.isEmpty() && transferViolations.isEmpty() && inDoubt == 0;
        log.printf(Locale.ROOT, "bank jta: %d kills (%d of them while starting), %d s of load, %d s in all; transfers attempted %d / committed %d"
                        + " / rolled back %d (%d for want of funds) / failed before decision %d (in flight at a kill,"
                        + " reported to nobody: %d found committed, %d rolled back) / outcome unknown to the client %d"
                        + " (%d found committed); recovery at the starts committed %d and rolled back %d prepared"
                        + " branches; total balance %d (expected %d); invariant %s%n",
                kills, startKills, Duration.ofNanos(loadNanos).toSeconds(), Duration.ofNanos(System.nanoTime() - started).toSeconds(),
                attempted, committed, rolledBack, funds, inFlight, check.inFlightCommitted, check.inFlightRolledBack,
                unknown, check.unknownCommitted, recoveredBranches[0], recoveredBranches[1], check.total, dbs.expectedTotal(), holds ? "HOLDS" : "VIOLATED");
        ledger.transfers.values().stream().filter(t -> t.outcome == Outcome.UNKNOWN).limit(5)
                .forEach(t -> log.println("bank jta: outcome unknown to its client: " + t));
        bankViolations.forEach(v -> log.println("bank jta: VIOLATION " + v));
        transferViolations.forEach(v -> log.println("bank jta: VIOLATION " + v));
        inDoubtDetails.forEach(v -> log.println("bank jta: IN DOUBT " + v));
        if (holds) {
            dbs.drop();
            deleteQuietly(dir);
        } else {
            log.println("bank jta: kept databases " + dbs.database + " and files " + dir + " for a look");
        }
        List<String> rowOne = new ArrayList<>(capped(bankViolations));
        rowOne.addAll(capped(inDoubtDetails));
        return List.of(
                new Tally("bank", "kill -9 of the coordinator JVM under " + CLIENTS + " clients or while it recovers,"
                        + " restart",
                        FACE, kills, bankViolations.size(), inDoubt, rowOne),
                new Tally("bank", "transfers PostgreSQL <-> MySQL: atomic, reported outcomes kept", FACE, attempted,
                        transferViolations.size(), 0, capped(transferViolations)));
    }

    static List<String> capped(List<String> details) {
        if (details.size() <= 20) {
            return details;
        }
        List<String> c = new ArrayList<>(details.subList(0, 20));
        c.add("... and " + (details.size() - 20) + " more");
        return c;
    }

    static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind fails nothing
        }
    }
}
