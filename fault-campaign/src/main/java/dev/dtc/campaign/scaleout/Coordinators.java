package dev.dtc.campaign.scaleout;

import dev.dtc.campaign.ChildProcess;
import dev.dtc.campaign.CoordinatorCalls;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinators of one shared store: dtc-server processes with {@code --store} and no data directory (decisions,
 * outcomes, keys, registry and locks all in PostgreSQL), each with a node name and a port that stay the same across
 * restarts, so that a restarted node takes its own lease back.
 */
final class Coordinators implements AutoCloseable {

    private final Path work;
    private final String storeUrl;
    private final String token;
    private final Duration leaseTtl;
    private final List<String> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final ChildProcess[] processes;
    private final List<CoordinatorCalls> calls = new ArrayList<>();

    /**
     * @param nodePrefix the node names are this with {@code -1}, {@code -2}, ...
     * @param storeUrl   the {@code --store} every coordinator is given
     */
    Coordinators(Path work, int count, String nodePrefix, String storeUrl, String token, Duration leaseTtl,
                 HttpClient http) throws IOException {
        this.work = work;
        this.storeUrl = storeUrl;
        this.token = token;
        this.leaseTtl = leaseTtl;
        this.processes = new ChildProcess[count];
        for (int i = 0; i < count; i++) {
            nodes.add(nodePrefix + "-" + (i + 1));
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            ports.add(port);
            calls.add(new CoordinatorCalls(http, url(i), token));
        }
    }

    int count() {
        return processes.length;
    }

    String node(int i) {
        return nodes.get(i);
    }

    String url(int i) {
        return "http://127.0.0.1:" + ports.get(i);
    }

    /** Every coordinator's URL, comma-separated (the participants' list). */
    String urls() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < count(); i++) {
            all.add(url(i));
        }
        return String.join(",", all);
    }

    CoordinatorCalls calls(int i) {
        return calls.get(i);
    }

    ChildProcess process(int i) {
        return processes[i];
    }

    /** Starts every coordinator, at once (each JVM takes seconds to start). */
    void startAll() throws Exception {
        List<Thread> starters = new ArrayList<>();
        List<Exception> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < count(); i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    start(n);
                } catch (Exception e) {
                    failed.add(e);
                }
            }, "start-" + node(i));
            t.start();
            starters.add(t);
        }
        for (Thread t : starters) {
            t.join();
        }
        if (!failed.isEmpty()) {
            throw failed.get(0);
        }
    }

    /** Starts coordinator {@code i} and waits for its ready line. */
    void start(int i) throws Exception {
        processes[i] = new ChildProcess(node(i), work.resolve(node(i) + ".log")).start(List.of(), token,
                "dtc-server listening on", "dev.dtc.server.ServerMain", "--port", Integer.toString(ports.get(i)),
                "--node-name", node(i), "--store", storeUrl,
                "--lease-ttl", leaseTtl.toMillis() + "ms", "--recovery-interval", "1s", "--phase2-timeout", "3s");
    }

    /** {@code kill -9} of coordinator {@code i} (nothing if it is not running). */
    void kill(int i) throws InterruptedException {
        if (processes[i] != null) {
            processes[i].kill();
        }
    }

    /** {@code GET /health} of coordinator {@code i}: {status code, body}, or {-1, what went wrong}. */
    Object[] health(int i) {
        try {
            HttpResponse<String> r = calls(i).get("/health");
            return new Object[] {r.statusCode(), r.body()};
        } catch (IOException e) {
            return new Object[] {-1, e.toString()};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Object[] {-1, "interrupted"};
        }
    }

    /** The log of coordinator {@code i} (stderr and stdout). */
    Path log(int i) {
        return work.resolve(node(i) + ".log");
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < count(); i++) {
            if (processes[i] != null) {
                try {
                    if (processes[i].alive()) {
                        processes[i].signal("CONT"); // a paused JVM is killed just as well, but say it plainly
                    }
                } catch (Exception e) {
                    // it is killed next anyway
                }
                processes[i].kill();
            }
        }
    }
}
