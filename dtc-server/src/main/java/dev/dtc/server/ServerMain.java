package dev.dtc.server;

import dev.dtc.internal.xid.XidFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar dtc-server.jar}: the coordinator service. */
@Command(name = "dtc-server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The dtc coordinator: two-phase commit over HTTP between services (see docs/http-api.md).",
                "The bearer token comes from DTC_TOKEN or --token-file; without one it refuses to start."})
public final class ServerMain implements Callable<Integer> {

    @Option(names = "--port", description = "port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port = 8080;

    @Option(names = "--bind", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String bind = "127.0.0.1";

    @Option(names = "--data-dir", description = "directory for the decision log and the outcome history; created if"
            + " missing; one running coordinator per directory. Required unless --store keeps all of it in PostgreSQL")
    Path dataDir;

    @Option(names = "--node-name", required = true, description = "this coordinator's name: 1 to 32 of A-Z a-z 0-9"
            + " . _ -; it prefixes every transaction id and must stay the same across restarts of one data directory")
    String nodeName;

    @Option(names = "--token-file", description = "file holding the bearer token (instead of DTC_TOKEN)")
    Path tokenFile;

    @Option(names = "--max-participants", description = "most participants per transaction (default: ${DEFAULT-VALUE})")
    int maxParticipants = 32;

    @Option(names = "--max-body-bytes", description = "largest request body (default: ${DEFAULT-VALUE}, 1 MiB)")
    int maxBodyBytes = 1 << 20;

    @Option(names = "--retention", description = "how long outcomes stay queryable after phase 2 completes, e.g."
            + " 7d, 12h, 30m or PT1H (default: ${DEFAULT-VALUE})")
    String retention = "7d";

    @Option(names = "--recovery-interval", description = "time between recovery passes (default: ${DEFAULT-VALUE})")
    String recoveryInterval = "10s";

    @Option(names = "--phase2-timeout", description = "how long one commit or rollback call may take before it is"
            + " retried (default: ${DEFAULT-VALUE})")
    String phaseTwoTimeout = "10s";

    @Option(names = "--test-fault", hidden = true, description = "FOR TESTS ONLY: halt the process at a protocol"
            + " point: " + Faults.VALID)
    String testFault;

    @Option(names = "--log-segment-bytes", hidden = true, description = "size of a decision log segment, 1024 to"
            + " 1073741824 (default: 16 MiB); small ones make the log roll often, for tests of the roll-over")
    long logSegmentBytes = dev.dtc.log.LogConfig.DEFAULT_SEGMENT_BYTES;

    @Option(names = "--store", description = "keep decisions, leases and the shared state in PostgreSQL, shared"
            + " with other coordinators: postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]"
            + " (default: the file log in --data-dir)")
    String store;

    @Option(names = "--advertised-url", description = "with --store: the URL other coordinators forward requests"
            + " for this one's transactions to (default: http://BIND:PORT, 127.0.0.1 when bound to every address)")
    String advertisedUrl;

    @Option(names = "--lease-ttl", description = "with --store: how long this node's lease lasts without renewal;"
            + " it is renewed every fifth of it, and another coordinator takes the node over once it runs out"
            + " (default: ${DEFAULT-VALUE})")
    String leaseTtl = "6s";

    @Option(names = "--opentelemetry", description = "trace transactions with OpenTelemetry: needs dtc-opentelemetry"
            + " and the OpenTelemetry SDK on the class path, configured through GlobalOpenTelemetry (see"
            + " docs/tracing.md). Without it the clients' W3C trace context is passed to participants unchanged")
    boolean openTelemetry;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new ServerMain()).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("dtc-server: " + e.getMessage());
            return 2;
        }
        config.fault().arm();
        DtcServer server;
        try {
            server = DtcServer.start(config);
        } catch (Exception e) {
            System.err.println("dtc-server: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "dtc-server-shutdown"));
        System.out.println("dtc-server listening on " + server.url());
        System.out.flush();
        stopped.await();
        return 0;
    }

    private ServerConfig config() throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0 to 65535, was " + port);
        }
        if (!XidFactory.NODE_NAME.matcher(nodeName).matches()) {
            throw new IllegalArgumentException("--node-name must be 1 to 32 characters of A-Z a-z 0-9 . _ -, was '"
                    + nodeName + "'");
        }
        if (maxParticipants < 1 || maxParticipants > 1000) {
            throw new IllegalArgumentException("--max-participants must be 1 to 1000, was " + maxParticipants);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("--max-body-bytes must be at least 1024, was " + maxBodyBytes);
        }
        if (logSegmentBytes < dev.dtc.log.LogConfig.MIN_SEGMENT_BYTES
                || logSegmentBytes > dev.dtc.log.LogConfig.MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("--log-segment-bytes must be " + dev.dtc.log.LogConfig.MIN_SEGMENT_BYTES
                    + " to " + dev.dtc.log.LogConfig.MAX_SEGMENT_BYTES + ", was " + logSegmentBytes);
        }
        Faults fault = Faults.parse(testFault);
        if (dataDir == null && store == null) {
            throw new IllegalArgumentException("give --data-dir DIR (the file log and history), or --store"
                    + " postgresql://... (several coordinators sharing PostgreSQL)");
        }
        if (store != null) {
            dev.dtc.store.postgresql.StoreUrl.parse(store); // refuses a bad URL before anything starts
        } else if (advertisedUrl != null) {
            throw new IllegalArgumentException("--advertised-url is for coordinators that share a --store; give"
                    + " --store too, or leave --advertised-url out");
        }
        if (advertisedUrl != null) {
            try {
                java.net.URI u = new java.net.URI(advertisedUrl);
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                        || (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/"))) {
                    throw new java.net.URISyntaxException(advertisedUrl, "not http(s)://HOST:PORT");
                }
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("--advertised-url must be http://HOST:PORT (no path), was '"
                        + advertisedUrl + "'");
            }
        }
        Duration ttl = duration("--lease-ttl", leaseTtl);
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--lease-ttl must be at least 1s, was '" + leaseTtl + "'");
        }
        if (openTelemetry) {
            Traces.provider(); // refuses now, with what to add, if dtc-opentelemetry is missing
        }
        String advertised = advertisedUrl == null ? null : advertisedUrl.replaceAll("/+$", "");
        return new ServerConfig(bind, port, dataDir == null ? null : dataDir.toAbsolutePath(), nodeName, token(), maxParticipants,
                maxBodyBytes, duration("--retention", retention), duration("--recovery-interval", recoveryInterval),
                duration("--phase2-timeout", phaseTwoTimeout), fault, logSegmentBytes, store, advertised, ttl,
                openTelemetry);
    }

    private String token() throws IOException {
        String t;
        if (tokenFile != null) {
            if (!Files.isReadable(tokenFile)) {
                throw new IllegalArgumentException("--token-file " + tokenFile + " cannot be read");
            }
            t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        } else {
            t = System.getenv("DTC_TOKEN");
        }
        if (t == null || t.isBlank()) {
            throw new IllegalArgumentException("no bearer token: set DTC_TOKEN or pass --token-file FILE; every"
                    + " request and every call to a participant carries it");
        }
        if (!t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("the bearer token must be printable ASCII without spaces");
        }
        return t;
    }

    /** 7d, 12h, 30m, 10s, 500ms, or an ISO-8601 duration (PT1H). */
    static Duration duration(String option, String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (v.startsWith("p")) {
                d = Duration.parse(s.trim().toUpperCase(Locale.ROOT));
            } else if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("d")) {
                d = Duration.ofDays(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                throw new IllegalArgumentException();
            }
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException();
            }
            return d;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be a positive duration such as 7d, 12h, 30m, 10s,"
                    + " 500ms or PT1H, was '" + s + "'");
        }
    }
}
