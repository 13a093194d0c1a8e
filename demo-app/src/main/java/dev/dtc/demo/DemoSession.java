package dev.dtc.demo;

import dev.dtc.RecoveryReport;
import dev.dtc.TransactionService;
import dev.dtc.demo.embedded.DataDirectoryLock;
import dev.dtc.demo.embedded.EmbeddedDatabases;
import dev.dtc.demo.output.Output;
import dev.dtc.demo.output.Progress;
import dev.dtc.demo.shop.DatabaseNames;
import dev.dtc.demo.shop.ParticipantDataSources;
import dev.dtc.demo.shop.Schemas;
import dev.dtc.demo.shop.ServerAddress;
import dev.dtc.demo.shop.Shop;
import dev.dtc.demo.trace.RecoveryTrace;
import dev.dtc.demo.trace.TraceRecorder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;

/**
 * Everything one demo command runs on, opened in order and closed in reverse: the data directory's lock, the
 * databases (embedded, or the servers named), their schemas, the transaction service with its decision log, the
 * participants' data sources, and a recovery pass that finishes whatever an earlier command left in doubt
 * (shown through the command's output before anything else happens).
 *
 * <p>One coordinator identity per set of databases and data directory: the decision log lives in
 * {@code log/<target>} under the data directory and the node name is derived from the same target. Two demos on
 * the same servers (with other prefixes, or other data directories) must not take each other's prepared branches
 * for their own undecided ones (MySQL's XA RECOVER lists every branch on the server), so each gets its own node
 * name with its own log.
 */
final class DemoSession implements AutoCloseable {

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final Shop shop;
    private final TraceRecorder recorder;
    private final TransactionService dtc;
    private final ParticipantDataSources dataSources;
    private final ServerAddress postgres;
    private final ServerAddress mysql;
    private final DatabaseNames names;

    private DemoSession(Shop shop, TraceRecorder recorder, TransactionService dtc, ParticipantDataSources dataSources,
                        ServerAddress postgres, ServerAddress mysql, DatabaseNames names) {
        this.shop = shop;
        this.dataSources = dataSources;
        this.recorder = recorder;
        this.dtc = dtc;
        this.postgres = postgres;
        this.mysql = mysql;
        this.names = names;
    }

    static DemoSession open(CommonOptions options, Output output, Progress progress) {
        options.validate();
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            Path dataDirectory = options.dataDirectory.toAbsolutePath();
            opened.push(DataDirectoryLock.acquire(dataDirectory));
            LogFile.redirectTo(dataDirectory);
            ServerAddress postgres;
            ServerAddress mysql;
            String target;
            if (options.embedded()) {
                EmbeddedDatabases embedded = EmbeddedDatabases.start(dataDirectory, progress);
                opened.push(embedded);
                postgres = embedded.postgres();
                mysql = embedded.mysql();
                target = "embedded";
            } else {
                CommonOptions.Servers servers = options.namedServers().orElseThrow();
                postgres = servers.postgres();
                mysql = servers.mysql();
                // the data directory too: two data directories are two logs, and two logs must never share a node
                // name, or each would take the other's prepared branches for its own undecided ones
                target = "servers-" + digest(postgres.displayUrl() + "|" + mysql.displayUrl() + "|"
                        + options.databasePrefix + "|" + dataDirectory);
            }
            DatabaseNames names = options.databaseNames();
            Schemas.create(postgres, mysql, names);

            TraceRecorder recorder = new TraceRecorder();
            TransactionService dtc = TransactionService.builder()
                    .nodeName(nodeName(target))
                    .logDirectory(dataDirectory.resolve("log").resolve(target))
                    .defaultTimeout(Duration.ofSeconds(options.timeoutSeconds))
                    // each command runs one recovery pass itself, right below, and shows what it did
                    .recoveryInterval(Duration.ZERO)
                    .auditListener(recorder)
                    .build();
            opened.push(dtc);
            ParticipantDataSources dataSources = ParticipantDataSources.open(dtc, postgres, mysql, names,
                    options.poolSize, Duration.ofSeconds(options.timeoutSeconds));
            opened.push(dataSources);

            RecoveryTrace recoveryTrace = new RecoveryTrace(dataSources.participantsByRecoveryName());
            recorder.onOtherEvents(recoveryTrace);
            RecoveryReport report = dtc.recovery().scan();
            output.recovery(report, recoveryTrace);
            Schemas.seed(postgres, mysql, names);

            DemoSession session = new DemoSession(new Shop(dtc.userTransaction(), recorder, dataSources), recorder, dtc,
                    dataSources, postgres, mysql, names);
            session.opened.addAll(opened);
            return session;
        } catch (RuntimeException | Error e) {
            closeAll(opened, e);
            throw e;
        }
    }

    /** "dtc-demo" for the embedded databases, "dtc-demo-" and a digest of the servers otherwise. */
    private static String nodeName(String target) {
        return "embedded".equals(target) ? "dtc-demo" : "dtc-demo-" + target.substring("servers-".length());
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    Shop shop() {
        return shop;
    }

    TraceRecorder recorder() {
        return recorder;
    }

    TransactionService transactionService() {
        return dtc;
    }

    ParticipantDataSources dataSources() {
        return dataSources;
    }

    /** Puts the databases back to their first state (recovery has run: nothing is left prepared). */
    void reset() {
        Schemas.reset(postgres, mysql, names);
    }

    @Override
    public void close() {
        closeAll(opened, null);
    }

    private static void closeAll(Deque<AutoCloseable> opened, Throwable failure) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                }
            }
        }
    }
}
