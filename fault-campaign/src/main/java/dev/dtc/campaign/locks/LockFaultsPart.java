package dev.dtc.campaign.locks;

import dev.dtc.campaign.Part;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import dev.dtc.participant.DtcLocks;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * §6 of the campaign: the lock service under faults, against dtc-server as a process and a fenced table on the test
 * PostgreSQL, written through the participant kit's {@link DtcLocks} as users write it.
 * <ul>
 *   <li><b>A holder frozen past its lease</b> (SIGSTOP of its JVM): another client gets the lock with a higher
 *       token and writes; the frozen holder, thawed (SIGCONT), tries its write with its old token, without asking
 *       the lock first: the fence must refuse it.</li>
 *   <li><b>The coordinator killed</b> ({@code kill -9}) while a lock is held and three clients wait for it, then
 *       restarted on the same data directory: every token granted afterwards is higher than every one granted
 *       before, the waiters get the lock (after retrying) and write, and the old holder's late write is refused.</li>
 * </ul>
 * Throughout, the tokens that wrote the fenced row must never go backwards. Clock jumps on the client are not
 * tried here: DtcLocks measures its lease with {@code System.nanoTime()}, which a wall-clock jump does not move,
 * and the fence does not depend on any client clock.
 */
public final class LockFaultsPart implements Part {

    @Override
    public String name() {
        return "locks";
    }

    @Override
    public String description() {
        return "lock holders frozen past their lease (SIGSTOP) and the coordinator killed while locks are held and"
                + " waited for: no stale fenced write succeeds, tokens never go backwards";
    }

    @Override
    public List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        DatabaseServer pg = TestDatabases.postgres();
        FencedTable table = new FencedTable(pg, "campaign_locks");
        table.create();
        Random random = new Random(seed);
        Path work = Files.createTempDirectory("dtc-campaign-locks");
        List<Tally> tallies = new ArrayList<>();
        try (CoordinatorProcess coordinator = new CoordinatorProcess(work.resolve("coordinator"), "campaign-locks")) {
            coordinator.start();
            tallies.add(frozenHolders(size.pick(3, 30), coordinator, table, random, log));
            tallies.add(coordinatorKilled(size.pick(2, 20), coordinator, table, log));
        }
        List<Long> history = table.history();
        List<String> backwards = FencedTable.backwards(history);
        tallies.add(new Tally(name(), "fenced writes in commit order", "fenced table", history.size(),
                backwards.size(), 0, backwards));
        return tallies;
    }

    private Tally frozenHolders(int rounds, CoordinatorProcess coordinator, FencedTable table, Random random,
                                PrintStream log) throws Exception {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            String lock = "frozen-" + i;
            long ttlMs = 1_000 + random.nextInt(1_000);
            Process holder = new ProcessBuilder(javaCommand(LockHolderMain.class.getName(), coordinator.url(), lock,
                    Long.toString(ttlMs), "frozen-" + i, table.server.jdbcUrl(table.database), table.server.user(),
                    table.server.password())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                        StandardCharsets.UTF_8));
                String held = readLine(out, 120);
                if (held == null || !held.startsWith("HELD ")) {
                    problems.add("round " + i + ": the holder did not get the lock: " + held);
                    continue;
                }
                long old = Long.parseLong(held.substring(5).trim());
                signal("STOP", holder.pid());
                long next;
                try (DtcLocks locks = DtcLocks.builder(URI.create(coordinator.url())).token(CoordinatorProcess.TOKEN)
                        .owner("successor-" + i).renewInBackground(false).build();
                     DtcLocks.Lock lockHeld = locks.acquire(lock, Duration.ofSeconds(10), Duration.ofSeconds(30))) {
                    next = lockHeld.token();
                    if (next <= old) {
                        problems.add("round " + i + ": the successor's token " + next + " is not above the frozen"
                                + " holder's " + old);
                    }
                    if (!table.write(next, "successor-" + i)) {
                        problems.add("round " + i + ": the successor's write with token " + next + " was refused");
                    }
                    signal("CONT", holder.pid());
                    Writer in = new OutputStreamWriter(holder.getOutputStream(), StandardCharsets.UTF_8);
                    in.write("WRITE\n");
                    in.flush();
                    String late = readLine(out, 60);
                    if (!"REFUSED".equals(late)) {
                        problems.add("round " + i + ": the holder frozen past its lease (token " + old + ", ttl "
                                + ttlMs + " ms) answered " + late + " to its late write, after token " + next
                                + " had written");
                    }
                }
                log.printf("locks: frozen holder round %d: token %d frozen, successor %d, late write refused%n", i,
                        old, next);
            } finally {
                signal("CONT", holder.pid());
                holder.destroyForcibly();
                holder.waitFor(30, TimeUnit.SECONDS);
            }
        }
        return new Tally(name(), "holder frozen past its lease (SIGSTOP)", "DtcLocks + fenced table", rounds,
                problems.size(), 0, problems);
    }

    private Tally coordinatorKilled(int rounds, CoordinatorProcess coordinator, FencedTable table, PrintStream log)
            throws Exception {
        List<String> problems = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < rounds; i++) {
                String lock = "killed-" + i;
                URI url = URI.create(coordinator.url());
                try (DtcLocks holderLocks = DtcLocks.builder(url).token(CoordinatorProcess.TOKEN).owner("holder-" + i)
                        .renewInBackground(false).build()) {
                    DtcLocks.Lock held = holderLocks.acquire(lock, Duration.ofSeconds(60), Duration.ZERO);
                    long old = held.token();
                    List<CompletableFuture<Long>> waiters = new ArrayList<>();
                    for (int w = 0; w < 3; w++) {
                        String owner = "waiter-" + i + "-" + w;
                        waiters.add(CompletableFuture.supplyAsync(() -> waitWriteRelease(url, lock, owner, table),
                                pool));
                    }
                    awaitWaiters(holderLocks, lock, 3);
                    coordinator.kill();
                    coordinator.start();
                    List<Long> tokens = new ArrayList<>();
                    for (CompletableFuture<Long> f : waiters) {
                        tokens.add(f.get(180, TimeUnit.SECONDS));
                    }
                    for (long t : tokens) {
                        if (t <= old) {
                            problems.add("round " + i + ": a token granted after the restart (" + t + ") is not above"
                                    + " the one granted before it (" + old + ")");
                        }
                    }
                    if (table.write(old, "holder-" + i)) {
                        problems.add("round " + i + ": the holder from before the restart wrote with token " + old
                                + " after tokens " + tokens + " had written");
                    }
                    held.close();
                    log.printf("locks: coordinator killed round %d: token %d before, %s after, late write refused%n",
                            i, old, tokens);
                } catch (Exception e) {
                    problems.add("round " + i + ": " + e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Tally(name(), "coordinator killed while held and waited for", "DtcLocks + fenced table", rounds,
                problems.size(), 0, problems);
    }

    /** A waiter: acquires (again after the coordinator's restart drops its request), writes, releases. */
    private static long waitWriteRelease(URI url, String lock, String owner, FencedTable table) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        try (DtcLocks locks = DtcLocks.builder(url).token(CoordinatorProcess.TOKEN).owner(owner)
                .renewInBackground(false).build()) {
            while (true) {
                try (DtcLocks.Lock held = locks.acquire(lock, Duration.ofSeconds(10), Duration.ofSeconds(60))) {
                    if (!table.write(held.token(), owner)) {
                        throw new IllegalStateException(owner + ": its write with token " + held.token()
                                + " was refused while it held the lock");
                    }
                    return held.token();
                } catch (DtcLocks.LockException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(owner + " never got the lock: " + e.getMessage(), e);
                    }
                    Thread.sleep(200); // the coordinator is restarting, or the lock is still held
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(owner + ": the fenced write failed: " + e, e);
        }
    }

    private static void awaitWaiters(DtcLocks locks, String lock, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (locks.state(lock).waiters() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the waiters did not queue for " + lock);
            }
            Thread.sleep(50);
        }
    }

    private static List<String> javaCommand(String mainClass, String... args) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                mainClass));
        c.addAll(List.of(args));
        return c;
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }

    /** The holder's next protocol line (HELD, WROTE, REFUSED), skipping whatever else it prints (log lines). */
    private static String readLine(BufferedReader in, int seconds) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = in.readLine()) != null; ) {
                    if (l.startsWith("HELD ") || l.equals("WROTE") || l.equals("REFUSED") || l.equals("NO-WRITE")) {
                        return l;
                    }
                }
                return "(the holder ended without answering)";
            } catch (IOException e) {
                return "(" + e + ")";
            }
        });
        return line.get(seconds, TimeUnit.SECONDS);
    }
}
