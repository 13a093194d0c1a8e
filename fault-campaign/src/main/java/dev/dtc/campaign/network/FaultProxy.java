package dev.dtc.campaign.network;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 fault proxy on 127.0.0.1: it reads each request that comes in (keep-alive, Content-Length or
 * chunked bodies), forwards it to an upstream base URL, and writes the upstream's answer back, unless a
 * {@link Fault} is set for the request's operation (the last path segment: {@code prepare}, {@code commit},
 * {@code rollback}; {@code *} for every request). Faults stay until {@link #lift()}.
 */
final class FaultProxy implements Closeable {

    /** What the proxy does to a request whose operation is faulted. */
    enum Fault {
        /** Accepts the request and never answers (the connection stays open until the fault is lifted). */
        BLACK_HOLE("black hole", false),
        /** Forwards the request after a delay and answers what the upstream said. */
        DELAY("delay", true),
        /** Closes the connection with SO_LINGER 0 (a TCP RST), without forwarding. */
        RESET("reset", false),
        /** Forwards the request, then answers random bytes instead of the upstream's answer and closes. */
        GARBAGE("garbage", true),
        /** Answers HTTP 500 without forwarding. */
        HTTP_500("http 500", false),
        /** Forwards the same request twice (one after the other) and answers the second answer. */
        DUPLICATE("duplicate", true),
        /** Forwards the request (the upstream does the work), then closes the connection without an answer. */
        DROP_RESPONSE("drop response", true),
        /**
         * Forwards the request and writes the participant's answer twice on the kept-alive connection: the
         * second copy is there for whatever the caller sends next on that connection.
         */
        ANSWER_TWICE("answer twice", true);

        final String label;
        /** Whether the upstream sees the request. */
        final boolean forwards;

        Fault(String label, boolean forwards) {
            this.label = label;
            this.forwards = forwards;
        }
    }

    private record Rule(Fault fault, long delayMs) {
    }

    private final String name;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Rule> rules = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> faulted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> forwarded = new ConcurrentHashMap<>();
    private final AtomicInteger seen = new AtomicInteger();
    private final AtomicInteger busy = new AtomicInteger();
    private final Random garbage;
    private volatile URI upstream;
    private volatile boolean closed;

    FaultProxy(String name, URI upstream, long seed) throws IOException {
        this.name = name;
        this.upstream = upstream;
        this.garbage = new Random(seed);
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** The proxy's base URL: the upstream's path on the proxy's port. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + upstream.getRawPath());
    }

    void upstream(URI upstream) {
        this.upstream = upstream;
    }

    /** Sets the fault for an operation ({@code prepare}, {@code commit}, {@code rollback}, or {@code *}). */
    void set(String operation, Fault fault, long delayMs) {
        rules.put(operation, new Rule(fault, delayMs));
    }

    /** Lifts every fault and lets go of the black-holed connections (closed, as a peer that gives up would). */
    void lift() {
        rules.clear();
        for (Socket s : held) {
            closeQuietly(s);
        }
        held.clear();
    }

    /** How many requests for the operation were faulted since the last {@link #resetCounts()}. */
    int faulted(String operation) {
        return faulted.getOrDefault(operation, new AtomicInteger()).get();
    }

    /** How many requests for the operation reached the upstream since the last {@link #resetCounts()}. */
    int forwarded(String operation) {
        return forwarded.getOrDefault(operation, new AtomicInteger()).get();
    }

    /** Every request read since the last {@link #resetCounts()}, faulted or not. */
    int seen() {
        return seen.get();
    }

    /** Whether no request is being handled (a delayed or held one counts until it is done). */
    boolean idle() {
        return busy.get() == 0;
    }

    void resetCounts() {
        seen.set(0);
        faulted.clear();
        forwarded.clear();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("fault proxy " + name + ": accept failed: " + e);
                }
            }
        }
    }

    private record Request(String method, String target, Map<String, String> headers, byte[] body) {
        String operation() {
            String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (!closed) {
                Request r = read(in);
                if (r == null) {
                    return;
                }
                seen.incrementAndGet();
                busy.incrementAndGet();
                try {
                    if (!handle(s, in, out, r)) {
                        return;
                    }
                } finally {
                    busy.decrementAndGet();
                }
            }
        } catch (IOException e) {
            // the peer went away: nothing to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(s);
            held.remove(s);
        }
    }

    /** Handles one request; false when the connection must end. */
    private boolean handle(Socket s, InputStream in, OutputStream out, Request r)
            throws IOException, InterruptedException {
        String op = r.operation();
        Rule rule = rules.getOrDefault(op, rules.get("*"));
        if (rule == null) {
            return answerForwarded(r, op, out);
        }
        faulted.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
        switch (rule.fault()) {
            case BLACK_HOLE -> {
                held.add(s);
                if (!rules.containsValue(rule)) { // lifted in between
                    return false;
                }
                while (in.read() >= 0) {
                    // swallow whatever else comes until the peer or lift() closes the connection
                }
                return false;
            }
            case DELAY -> {
                Thread.sleep(rule.delayMs());
                return answerForwarded(r, op, out);
            }
            case RESET -> {
                s.setSoLinger(true, 0);
                return false;
            }
            case GARBAGE -> {
                forward(r, op);
                byte[] junk = new byte[16 + garbage.nextInt(200)];
                garbage.nextBytes(junk);
                out.write(junk);
                out.flush();
                return false;
            }
            case HTTP_500 -> answer(out, 500, "{\"error\":\"fault proxy: injected 500\"}"
                    .getBytes(StandardCharsets.UTF_8));
            case DUPLICATE -> {
                forward(r, op);
                HttpResponse<byte[]> second = forward(r, op);
                if (second == null) {
                    return false;
                }
                answer(out, second.statusCode(), second.body());
            }
            case ANSWER_TWICE -> {
                HttpResponse<byte[]> resp = forward(r, op);
                if (resp == null) {
                    return false;
                }
                answer(out, resp.statusCode(), resp.body());
                answer(out, resp.statusCode(), resp.body());
            }
            case DROP_RESPONSE -> {
                forward(r, op);
                return false;
            }
            default -> throw new IllegalStateException(rule.fault().name());
        }
        return true;
    }

    /** Forwards and answers; false when the upstream could not be reached (the connection is then closed). */
    private boolean answerForwarded(Request r, String op, OutputStream out) throws IOException, InterruptedException {
        HttpResponse<byte[]> resp = forward(r, op);
        if (resp == null) {
            return false;
        }
        answer(out, resp.statusCode(), resp.body());
        return true;
    }

    private HttpResponse<byte[]> forward(Request r, String op) throws InterruptedException {
        URI base = upstream;
        URI target = URI.create("http://" + base.getHost() + ":" + base.getPort() + r.target());
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .method(r.method(), r.body().length == 0 && !r.method().equals("POST")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(r.body()));
        for (String h : List.of("authorization", "content-type", "dtc-transaction", "idempotency-key")) {
            String v = r.headers().get(h);
            if (v != null) {
                b.header(h, v);
            }
        }
        try {
            HttpResponse<byte[]> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            forwarded.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
            return resp;
        } catch (IOException e) {
            return null;
        }
    }

    private static void answer(OutputStream out, int status, byte[] body) throws IOException {
        String head = "HTTP/1.1 " + status + " " + (status < 400 ? "OK" : "Error") + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** One request, or null at the end of the connection. */
    private static Request read(InputStream in) throws IOException {
        String line = line(in);
        while (line != null && line.isEmpty()) {
            line = line(in);
        }
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ");
        if (parts.length < 3) {
            throw new IOException("bad request line: " + line);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String size = line(in);
                if (size == null) {
                    throw new IOException("end of stream in a chunked body");
                }
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    for (String t = line(in); t != null && !t.isEmpty(); t = line(in)) {
                        // trailers
                    }
                    break;
                }
                b.write(in.readNBytes(n));
                line(in);
            }
            body = b.toByteArray();
        } else {
            int n = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            body = in.readNBytes(n);
            if (body.length < n) {
                throw new IOException("end of stream in the body");
            }
        }
        return new Request(parts[0], parts[1], headers, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // gone already
        }
    }

    @Override
    public void close() {
        closed = true;
        lift();
        try {
            server.close();
        } catch (IOException e) {
            // gone already
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "proxy " + name + " " + uri() + " -> " + upstream;
    }
}
