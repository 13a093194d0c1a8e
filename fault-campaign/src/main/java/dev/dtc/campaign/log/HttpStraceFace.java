package dev.dtc.campaign.log;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dtc.campaign.CoordinatorCalls;
import dev.dtc.campaign.Tally;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP face of {@link PowerLossPart}: dtc-server ({@code dev.dtc.server.ServerMain}, its file decision log with
 * 2 KiB segments so that it rolls every few transactions) runs under {@code strace -f}; two HTTP participants live in
 * the campaign's JVM (not traced) and vote COMMIT; the campaign posts one-shot transactions to it. {@link TraceCheck}
 * then finds each {@code POST .../commit} request the coordinator wrote to a participant's socket and checks that the
 * transaction's DECISION was written and its segment fsynced before it, and each new segment's directory before its
 * first decision.
 */
final class HttpStraceFace {

    static final String FACE = "http one-shot, strace";
    static final String TOKEN = "campaign-power-loss-token";
    private static final Pattern TX_ID = Pattern.compile("\"transactionId\"\\s*:\\s*\"([^\"]+)\"");

    private HttpStraceFace() {
    }

    /** A participant answering prepare with a COMMIT vote and commit/rollback with 200; counts commits per id. */
    static final class Participant implements AutoCloseable {
        final HttpServer server;
        final Map<String, Integer> commits = new ConcurrentHashMap<>();
        final AtomicInteger prepares = new AtomicInteger();

        Participant() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            server.setExecutor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "power-loss-participant");
                t.setDaemon(true);
                return t;
            }));
            server.createContext("/tx", this::handle);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        private void handle(HttpExchange x) throws IOException {
            String body;
            try (InputStream in = x.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher m = TX_ID.matcher(body);
            String id = m.find() ? m.group(1) : "?";
            String path = x.getRequestURI().getPath();
            String answer = "{}";
            if (path.endsWith("/prepare")) {
                prepares.incrementAndGet();
                answer = "{\"vote\":\"COMMIT\"}";
            } else if (path.endsWith("/commit")) {
                commits.merge(id, 1, Integer::sum);
            }
            byte[] b = answer.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(200, b.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(b);
            }
        }

        int committed() {
            return commits.size();
        }

        @Override
        public void close() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    static List<Tally> run(String strace, int transactions, PrintStream log) throws Exception {
        Path work = Files.createTempDirectory("dtc-power-loss-http-");
        try (Participant a = new Participant(); Participant b = new Participant()) {
            Path data = work.resolve("coordinator");
            Files.createDirectories(data);
            Path trace = work.resolve("trace.txt");
            Path err = work.resolve("coordinator.err");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = List.of(strace, "-f", "-tt", "-y", "-s", "512", "-o", trace.toString(),
                    "-e", "trace=fsync,fdatasync,write,pwrite64,writev,sendto,sendmsg,openat,rename,renameat,renameat2",
                    javaBin, "-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                    System.getProperty("java.class.path"), "dev.dtc.server.ServerMain", "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--data-dir", data.toString(), "--node-name", "strace-http",
                    "--log-segment-bytes", "2048", "--recovery-interval", "1h");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("DTC_TOKEN", TOKEN);
            long t0 = System.nanoTime();
            Process p = pb.start();
            List<String> setup = new ArrayList<>();
            List<String> stdout = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Boolean> ready = new CompletableFuture<>();
            Thread drain = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        stdout.add(line);
                        if (line.contains("dtc-server listening on")) {
                            ready.complete(true);
                        }
                    }
                } catch (IOException e) {
                    // gone
                }
                ready.complete(false);
            }, "power-loss-coordinator-stdout");
            drain.setDaemon(true);
            drain.start();
            int committed = 0;
            try {
                if (!ready.get(240, TimeUnit.SECONDS)) {
                    setup.add("the traced dtc-server did not start: " + tail(err));
                } else {
                    CoordinatorCalls calls = new CoordinatorCalls("http://127.0.0.1:" + port, TOKEN);
                    for (int i = 0; i < transactions; i++) {
                        String[] told = calls.oneShot("pl_a", a.port(), "pl_b", b.port(), "p-" + UUID.randomUUID());
                        if ("COMMITTED".equals(told[1])) {
                            committed++;
                        } else {
                            setup.add("transaction " + i + " (" + told[0] + ") was told " + told[1]);
                        }
                    }
                    // phase 2 may finish after the answer: wait (generously) for both participants' commits
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                    while ((a.committed() < committed || b.committed() < committed) && System.nanoTime() < until) {
                        Thread.sleep(100);
                    }
                    if (a.committed() < committed || b.committed() < committed) {
                        setup.add("the participants acknowledged " + a.committed() + " and " + b.committed()
                                + " commits of " + committed + " committed transactions");
                    }
                }
            } finally {
                // SIGTERM to the traced JVM itself (strace would detach and leave it running); strace then exits
                for (ProcessHandle child : p.children().toList()) {
                    child.destroy();
                }
                if (!p.waitFor(90, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
            log.printf("power-loss (%s): traced dtc-server ran %d ms, %d of %d transactions committed%n", FACE,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), committed, transactions);
            List<String> lines = Files.exists(trace) ? Files.readAllLines(trace, StandardCharsets.ISO_8859_1) : List.of();
            String logDir = data.resolve("log").toRealPath().toString();
            return PowerLossPart.tallies(FACE, lines, logDir, setup, committed, log);
        } finally {
            LogDamagePart.deleteTree(work);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> l = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join(" | ", l.subList(Math.max(0, l.size() - 10), l.size()));
        } catch (IOException e) {
            return "(no stderr)";
        }
    }
}
