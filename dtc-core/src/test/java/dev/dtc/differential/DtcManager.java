package dev.dtc.differential;

import dev.dtc.TransactionService;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.UserTransaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** dtc, the manager under test: a fresh service with its own log directory for every scenario. */
final class DtcManager implements ManagerUnderTest {

    private final TransactionService service;
    private final Path log;

    DtcManager() {
        try {
            Path target = Path.of("target");
            log = Files.createTempDirectory(Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir")),
                    "dtc-diff-log-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a log directory for dtc", e);
        }
        service = TransactionService.builder()
                .nodeName("diff")
                .logDirectory(log)
                .defaultTimeout(Duration.ofSeconds(60))
                .logSegmentBytes(1024 * 1024) // a fresh log per scenario zero-fills one segment: keep it small
                .build();
    }

    @Override
    public String name() {
        return "dtc";
    }

    @Override
    public TransactionManager transactionManager() {
        return service.transactionManager();
    }

    @Override
    public UserTransaction userTransaction() {
        return service.userTransaction();
    }

    @Override
    public TransactionSynchronizationRegistry registry() {
        return service.synchronizationRegistry();
    }

    @Override
    public void close() {
        try {
            ManagerUnderTest.resetThread(service.transactionManager());
        } finally {
            service.close();
            deleteLog();
        }
    }

    /** Ninety-odd scenarios per run: leave no log directories behind in target/. */
    private void deleteLog() {
        try (java.util.stream.Stream<Path> files = Files.walk(log)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // only tidiness: a left-over directory under target/ harms nothing
        }
    }
}
