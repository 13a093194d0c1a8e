package dev.dtc.campaign.log;

import dev.dtc.campaign.Part;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * §4b, power loss. A killed process keeps the page cache, so no kill test catches a missing fsync; instead this
 * part runs {@link StraceCommitter} (the JTA face, a file decision log with small segments, two participants per
 * transaction at the other end of TCP sockets) under {@code strace -f} and checks the order of the system calls
 * ({@link TraceCheck}): each transaction's decision is written and its segment fsynced before the first commit
 * message goes to a participant's socket, and each new segment's directory is fsynced before a decision is written
 * into it. {@link HttpStraceFace} does the same for dtc-server with two HTTP participants.
 */
public final class PowerLossPart implements Part {

    static final String NAME = "power-loss";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "strace of a committing process: the decision's segment is fsynced before any commit reaches a"
                + " participant's socket, and a new segment's directory entry is forced before it is used";
    }

    @Override
    public List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        String strace = which("strace");
        List<Tally> tallies = new ArrayList<>();
        if (strace == null) {
            String why = "skipped: strace is not installed (apt-get install -y strace)";
            log.println("power-loss: " + why);
            tallies.add(new Tally(NAME, ORDER_POINT, "jta socket participants, strace", 0, 0, 0, List.of(why)));
            tallies.add(new Tally(NAME, DIR_POINT, "jta socket participants, strace", 0, 0, 0, List.of(why)));
            tallies.add(new Tally(NAME, ORDER_POINT, HttpStraceFace.FACE, 0, 0, 0, List.of(why)));
            tallies.add(new Tally(NAME, DIR_POINT, HttpStraceFace.FACE, 0, 0, 0, List.of(why)));
            return tallies;
        }
        tallies.addAll(face(strace, "socket", "jta socket participants, strace", size.pick(40, 400), log));
        tallies.addAll(HttpStraceFace.run(strace, size.pick(30, 300), log));
        if (System.getenv("DTC_TEST_POSTGRES_URL") != null) {
            tallies.addAll(face(strace, "postgres", "jta postgresql, strace", size.pick(15, 150), log));
        } else {
            log.println("power-loss: the PostgreSQL face is not run: DTC_TEST_POSTGRES_URL is not set"
                    + " (eval \"$(bash docker/local-databases.sh)\")");
        }
        return tallies;
    }

    static final String ORDER_POINT = "fsync of the decision before the first commit message";
    static final String DIR_POINT = "directory fsync of a new segment before its first decision";

    private List<Tally> face(String strace, String mode, String face, int transactions, PrintStream log)
            throws Exception {
        Path work = Files.createTempDirectory("dtc-power-loss-");
        try {
            Path logDir = work.resolve("log");
            Files.createDirectories(logDir);
            Path trace = work.resolve("trace.txt");
            Path out = work.resolve("child.out");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = List.of(strace, "-f", "-tt", "-y", "-s", "512", "-o", trace.toString(),
                    "-e", "trace=fsync,fdatasync,write,pwrite64,writev,sendto,sendmsg,openat,rename,renameat,renameat2",
                    java, "-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    StraceCommitter.class.getName(), logDir.toString(), Integer.toString(transactions), "1024", mode);
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean done = p.waitFor(240, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String childOut = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
            boolean finished = mode.equals("socket")
                    ? childOut.lines().filter(l -> l.startsWith("COMMITTED ")).count() == 2L * transactions
                    : childOut.lines().anyMatch(l -> l.equals("DONE " + transactions));
            log.printf("power-loss (%s): traced child ran %d ms, exit %s%n", face,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), done ? p.exitValue() : "timeout");
            List<String> setup = new ArrayList<>();
            if (!done || p.exitValue() != 0 || !finished) {
                setup.add("the traced committer did not finish cleanly (exit " + (done ? p.exitValue() : "timeout")
                        + "): " + childOut.lines().filter(l -> !l.startsWith("COMMITTED ") && !l.contains(" INFO ")
                                && !l.contains(" DEBUG "))
                        .limit(20).toList());
            }
            List<String> lines = Files.exists(trace) ? Files.readAllLines(trace, StandardCharsets.ISO_8859_1) : List.of();
            return tallies(face, lines, logDir.toRealPath().toString(), setup, transactions, log);
        } finally {
            LogDamagePart.deleteTree(work);
        }
    }

    /**
     * Checks a trace with {@link TraceCheck} and makes the face's two rows; {@code setup} holds what went wrong while
     * tracing (then the transaction count is not compared), {@code transactions} how many were committed.
     */
    static List<Tally> tallies(String face, List<String> lines, String logDir, List<String> setup, int transactions,
            PrintStream log) {
        TraceCheck.Result r = TraceCheck.check(lines, logDir);
        log.printf("power-loss (%s): trace of %d lines: %d transactions with commit messages, %d segments used,"
                + " %d + %d violations%n", face, lines.size(), r.transactions(), r.segments(),
                r.orderViolations().size(), r.directoryViolations().size());
        List<String> orderDetails = new ArrayList<>(setup);
        if (setup.isEmpty() && r.transactions() != transactions) {
            orderDetails.add("the trace shows commit messages of " + r.transactions() + " transactions, "
                    + transactions + " were committed: the trace or its parsing misses some");
        }
        orderDetails.addAll(r.orderViolations());
        List<String> dirDetails = new ArrayList<>(r.directoryViolations());
        if (setup.isEmpty() && r.segments() < 2) {
            dirDetails.add("only " + r.segments() + " segment(s) used: the log did not roll, so no new segment was"
                    + " checked");
        }
        for (String d : orderDetails) {
            log.println("power-loss VIOLATION (" + face + "): " + d);
        }
        for (String d : dirDetails) {
            log.println("power-loss VIOLATION (" + face + "): " + d);
        }
        return List.of(new Tally(NAME, ORDER_POINT, face, r.transactions(), orderDetails.size(), 0, orderDetails),
                new Tally(NAME, DIR_POINT, face, r.segments(), dirDetails.size(), 0, dirDetails));
    }

    private static String which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
