package dev.dtc.demo;

import dev.dtc.demo.embedded.DataDirectoryLock;
import dev.dtc.demo.embedded.EmbeddedServer;
import dev.dtc.demo.output.Progress;
import dev.dtc.demo.service.ChainedApi;
import dev.dtc.demo.service.ServiceServer;
import dev.dtc.demo.service.ShopWork;
import dev.dtc.demo.shop.DatabaseNames;
import dev.dtc.demo.shop.Schemas;
import dev.dtc.demo.shop.ServerAddress;
import dev.dtc.demo.shop.Shop;
import dev.dtc.participant.DtcClient;
import dev.dtc.participant.Participant;
import dev.dtc.participant.Work;
import dev.dtc.xa.XaDataSources;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.sql.XADataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code serve orders|inventory|payments}: one of the shop's three services as a process of its own, with its own
 * database, taking part in transactions that the HTTP coordinator (dtc-server) runs. The participant kit does the
 * protocol (XA prepare in the service's database, durable votes, idempotent calls, recovery by asking the
 * coordinator); the service brings only its {@link Work}, the same SQL as the one-process demo.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one service of the shop as a participant of the HTTP coordinator: orders (PostgreSQL),"
                + " inventory (MySQL/MariaDB) or payments (PostgreSQL), each with its own database (embedded under"
                + " DATA_DIR/remote/<service> unless --postgres-url / --mysql-url name a server).",
            "Prints '<service> listening on http://127.0.0.1:PORT/tx' when ready; runs until stopped (SIGTERM).",
            "The bearer token shared with the coordinator comes from DTC_TOKEN or --token-file."})
final class ServeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SERVICE", description = "orders, inventory or payments")
    String service;

    @Option(names = "--port", defaultValue = "0", description = "Port to listen on; 0 picks a free one (default:"
            + " ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default:"
            + " ${DEFAULT-VALUE}; 0.0.0.0 in a container).")
    String bind;

    @Option(names = "--coordinator", paramLabel = "URL", defaultValue = "${env:DTC_DEMO_COORDINATOR:-http://127.0.0.1:8080}",
            description = "The coordinator, which the service's recovery asks for the outcome of a branch left"
                    + " prepared (default: ${DEFAULT-VALUE}; env DTC_DEMO_COORDINATOR). Several coordinators on a"
                    + " shared store: their URLs separated by commas; the service moves to the next when one does"
                    + " not answer.")
    String coordinator;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the bearer token (instead of"
            + " DTC_TOKEN).")
    Path tokenFile;

    @Option(names = "--recovery-interval", paramLabel = "SECONDS", defaultValue = "5",
            description = "Seconds between the service's recovery passes (default: ${DEFAULT-VALUE}).")
    int recoveryIntervalSeconds;

    @Option(names = "--register", description = "Register the service with the coordinator under its participant"
            + " name (its database's name), renewed every 10 s with a 30 s TTL, removed when it stops; needs a fixed"
            + " --port. Clients may then name it without a URL.")
    boolean register;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "20",
            description = "Most connections the service opens to its database, in use or holding a prepared branch"
                    + " (default: ${DEFAULT-VALUE}); keep it under the database's max_connections.")
    int maxConnections;

    @Option(names = "--hang-on-prepare", paramLabel = "SECONDS", arity = "0..1", fallbackValue = "60",
            description = "Fault demonstration: sleep this long (default 60 s) in every prepare, then refuse. The"
                    + " coordinator's timeout passes first: it rolls the transaction back everywhere.")
    Integer hangSeconds;

    @Option(names = "--exit-after-prepare", description = "Fault demonstration: answer the first prepare with"
            + " COMMIT, then halt the JVM (exit 99). The coordinator commits, retries this service until it is"
            + " started again, and the branch is finished then.")
    boolean exitAfterPrepare;

    @Option(names = "--exit-after-join", description = "Fault demonstration (inventory, payments), chained mode:"
            + " answer the first call that joins a transaction, then halt the JVM (exit 99) before the"
            + " coordinator's prepare. The coordinator hears nothing at prepare and rolls everything back.")
    boolean exitAfterJoin;

    @Option(names = "--exit-before-commit", description = "Fault demonstration (orders), chained mode: once"
            + " inventory and payments have joined an order's transaction, halt the JVM (exit 99) instead of asking"
            + " the coordinator to commit. The open transaction reaches its timeout and is rolled back everywhere.")
    boolean exitBeforeCommit;

    @Mixin
    CommonOptions common;

    @ParentCommand
    DemoCommand parent;

    @Override
    public Integer call() {
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try (Progress progress = new Progress(parent.err, common.quiet)) {
            if (!Shop.ORDERS.equals(service) && !Shop.INVENTORY.equals(service) && !Shop.PAYMENTS.equals(service)) {
                throw new IllegalArgumentException("SERVICE must be orders, inventory or payments, was '" + service + "'");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be 0 to 65535, was " + port);
            }
            if (register && port == 0) {
                throw new IllegalArgumentException("--register needs a fixed --port: the coordinator must be told the"
                        + " URL to call");
            }
            if (maxConnections < 2) {
                throw new IllegalArgumentException("--max-connections must be at least 2");
            }
            if (recoveryIntervalSeconds < 1) {
                throw new IllegalArgumentException("--recovery-interval must be at least 1 second");
            }
            if (exitAfterJoin && Shop.ORDERS.equals(service)) {
                throw new IllegalArgumentException("--exit-after-join is for inventory or payments (the services that"
                        + " join); the orders service begins the transaction: use --exit-before-commit");
            }
            if (exitBeforeCommit && !Shop.ORDERS.equals(service)) {
                throw new IllegalArgumentException("--exit-before-commit is for the orders service, which begins and"
                        + " commits the transaction; use --exit-after-join for " + service);
            }
            if (hangSeconds != null && hangSeconds < 1) {
                throw new IllegalArgumentException("--hang-on-prepare must be at least 1 second");
            }
            String token = Tokens.read(tokenFile);
            java.util.List<URI> coordinatorUris = new java.util.ArrayList<>();
            for (String c : coordinator.split(",")) {
                coordinatorUris.add(Tokens.httpUrl("--coordinator", c.strip()));
            }
            DatabaseNames names = common.databaseNames();
            ServerAddress.Kind kind = Shop.INVENTORY.equals(service) ? ServerAddress.Kind.MYSQL : ServerAddress.Kind.POSTGRES;

            LogFile.toStderr();
            ServerAddress server = namedServer(kind);
            if (server == null) {
                Path home = common.dataDirectory.toAbsolutePath().resolve("remote").resolve(service);
                opened.push(DataDirectoryLock.acquire(home));
                EmbeddedServer embedded = EmbeddedServer.start(kind, home, progress);
                opened.push(embedded);
                server = embedded.address();
            }
            Schemas.createFor(service, server, names);
            Schemas.seedFor(service, server, names);

            String database = switch (service) {
                case Shop.ORDERS -> names.orders();
                case Shop.INVENTORY -> names.inventory();
                default -> names.payments();
            };
            XADataSource xa = kind == ServerAddress.Kind.POSTGRES
                    ? XaDataSources.postgres(server.jdbcUrl(database), server.user(), server.password())
                    : XaDataSources.mysql(server.jdbcUrl(database), server.user(), server.password());
            Work work = hangSeconds == null ? ShopWork.of(service)
                    : ShopWork.hanging(Duration.ofSeconds(hangSeconds));
            // the kit's name is the branch qualifier of its Xids: the database's name, unique on a shared server
            ServiceServer http = ServiceServer.bind(service, bind, port);
            opened.push(http);
            // the URL the coordinator calls: given when the service joins a transaction, and when it registers
            Participant participant = Participant.builder().name(database).xaDataSource(xa).work(work)
                    .coordinators(coordinatorUris).token(token)
                    .recoveryInterval(Duration.ofSeconds(recoveryIntervalSeconds)).maxConnections(maxConnections)
                    .advertisedUrl(URI.create(http.url()))
                    .register(register)
                    .build().start();
            opened.push(participant);
            opened.remove(http);
            opened.push(http); // stopped first: no request arrives at a closed participant
            ChainedApi.Fault fault = exitAfterJoin ? ChainedApi.Fault.EXIT_AFTER_JOIN
                    : exitBeforeCommit ? ChainedApi.Fault.EXIT_BEFORE_COMMIT : ChainedApi.Fault.NONE;
            http.serve(service, participant, ChainedApi.of(service, participant, new DtcClient(coordinatorUris, token),
                    fault), exitAfterPrepare);

            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                closeAll(opened);
                stopped.countDown();
            }, service + "-shutdown"));
            progress.close();
            parent.out.println(service + " listening on " + http.url());
            parent.out.flush();
            stopped.await();
            return ExitStatus.OK;
        } catch (IllegalArgumentException e) {
            closeAll(opened);
            parent.err.println("dtc-demo serve: " + e.getMessage());
            return ExitStatus.USAGE;
        } catch (Exception e) {
            closeAll(opened);
            parent.err.println("dtc-demo serve " + service + ": " + SessionCommand.messageOf(e));
            if (System.getenv("DTC_DEMO_DEBUG") != null) {
                e.printStackTrace(parent.err);
            }
            return ExitStatus.FAILED;
        }
    }

    /** The server named for this service's kind, or null for the embedded one. */
    private ServerAddress namedServer(ServerAddress.Kind kind) {
        if (kind == ServerAddress.Kind.POSTGRES) {
            return blank(common.postgresUrl) ? null : new ServerAddress(kind, common.postgresUrl.trim(),
                    common.postgresUser, common.postgresPassword, "named");
        }
        return blank(common.mysqlUrl) ? null : new ServerAddress(kind, common.mysqlUrl.trim(), common.mysqlUser,
                common.mysqlPassword, "named");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static synchronized void closeAll(Deque<AutoCloseable> opened) {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                // stopping: the next start finds what is left (a leftover embedded server is stopped then)
            }
        }
    }
}
