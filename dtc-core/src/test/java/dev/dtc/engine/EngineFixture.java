package dev.dtc.engine;

import dev.dtc.TransactionService;
import dev.dtc.audit.AuditEvent;
import dev.dtc.audit.EventType;
import dev.dtc.log.DecisionLog;
import dev.dtc.log.LogConfig;
import dev.dtc.log.LogRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Builds services on a temp log directory and reads back what they logged. */
final class EngineFixture {
    final Path dir;
    /** Concurrent and cheap to append to: busy tests record tens of thousands of events. */
    final java.util.Queue<AuditEvent> events = new java.util.concurrent.ConcurrentLinkedQueue<>();

    EngineFixture(Path dir) {
        this.dir = dir;
    }

    TransactionService.Builder builder() {
        return TransactionService.builder()
                .nodeName("test-node")
                .logDirectory(dir)
                .defaultTimeout(Duration.ofSeconds(30))
                .recoveryInterval(Duration.ZERO)
                .logSegmentBytes(1024 * 1024) // each fresh log zero-fills a segment: keep it small
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
                .auditListener(events::add);
    }

    TransactionService start() {
        return builder().build();
    }

    /** The decided-but-unfinished transactions in the log (the service must be closed). */
    Map<String, List<LogRecord>> pendingInLog() throws IOException {
        try (DecisionLog log = DecisionLog.open(dir, LogConfig.defaults())) {
            return log.pendingAtOpen();
        }
    }

    List<EventType> types(String txId) {
        return events.stream().filter(e -> txId.equals(e.txId())).map(AuditEvent::type).toList();
    }

    long count(EventType type) {
        return events.stream().filter(e -> e.type() == type).count();
    }
}
