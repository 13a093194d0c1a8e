package dev.dtc.bench;

import dev.dtc.TransactionService;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;

/** dtc through its public façade; its decision log always forces, there is nothing to switch. */
final class DtcSystem implements TransactionSystem {

    private final Path logDirectory;
    private final TransactionService service;

    DtcSystem(Path logDirectory) {
        this.logDirectory = logDirectory;
        this.service = TransactionService.builder()
                .nodeName("bench")
                .logDirectory(logDirectory)
                .defaultTimeout(Duration.ofSeconds(60))
                .build();
    }

    @Override
    public TransactionManager transactionManager() {
        return service.transactionManager();
    }

    @Override
    public String describe() {
        return "dtc TransactionService, decision log in " + logDirectory + " (always forced)";
    }

    @Override
    public void close() {
        service.close();
    }
}
