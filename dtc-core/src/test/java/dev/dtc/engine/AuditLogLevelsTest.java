package dev.dtc.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.dtc.TransactionService;
import dev.dtc.audit.EventType;
import dev.dtc.internal.audit.Audit;
import jakarta.transaction.TransactionManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The audit log is quiet by default: a committed transaction writes one INFO line on {@code dev.dtc.audit}, its
 * steps are DEBUG, and the logger at DEBUG gives the full trail. Listeners get every event either way.
 */
class AuditLogLevelsTest {

    @TempDir
    Path dir;

    private final Logger audit = (Logger) LoggerFactory.getLogger("dev.dtc.audit");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Level before;

    @BeforeEach
    void attach() {
        before = audit.getLevel();
        lines.start();
        audit.addAppender(lines);
    }

    @AfterEach
    void detach() {
        audit.detachAppender(lines);
        audit.setLevel(before);
    }

    @Test
    void aCommitWritesOneInfoLineByDefaultAndItsStepsOnlyAtDebug() throws Exception {
        audit.setLevel(Level.INFO);
        String quiet = commitTwoBranches(false);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .singleElement().asString().startsWith("TX_COMMITTED tx=" + quiet);
        assertThat(lines.list.get(0).getLevel()).isEqualTo(Level.INFO);
        assertThat(lines.list.get(0).getMDCPropertyMap()).containsEntry(Audit.MDC_KEY, quiet);

        lines.list.clear();
        audit.setLevel(Level.DEBUG);
        String full = commitTwoBranches(false);
        List<String> written = lines.list.stream().map(e -> e.getFormattedMessage().split(" ")[0]).toList();
        assertThat(written).containsSubsequence("BEGIN", "ENLIST", "ENLIST", "COMMIT_REQUESTED", "PREPARE_SENT",
                "VOTE_COMMIT", "DECISION_WRITE", "DECISION_FORCED", "COMMIT_SENT", "COMMITTED", "TX_COMMITTED");
        assertThat(written).contains("END");
        assertThat(lines.list).allMatch(e -> e.getFormattedMessage().contains("tx=" + full));
        assertThat(lines.list).filteredOn(e -> e.getLevel() == Level.INFO).hasSize(1);
    }

    @Test
    void listenersGetEveryEventWhateverTheLoggersLevel() throws Exception {
        audit.setLevel(Level.WARN);
        EngineFixture f = new EngineFixture(dir);
        String txId = commitTwoBranches(f, false);
        assertThat(lines.list).isEmpty();
        assertThat(f.types(txId)).contains(EventType.BEGIN, EventType.COMMIT_REQUESTED, EventType.DECISION_WRITE,
                EventType.DECISION_FORCED, EventType.TX_COMMITTED, EventType.END);
    }

    @Test
    void aHeuristicOutcomeIsAWarningWhileTheLoggerIsAtInfo() throws Exception {
        audit.setLevel(Level.INFO);
        String txId = commitTwoBranches(true);
        assertThat(lines.list).filteredOn(e -> e.getFormattedMessage().startsWith("TX_HEURISTIC tx=" + txId))
                .singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.WARN);
        assertThat(lines.list).filteredOn(e -> e.getFormattedMessage().startsWith("HEURISTIC tx=" + txId))
                .singleElement().extracting(ILoggingEvent::getLevel).isEqualTo(Level.WARN);
        assertThat(lines.list).noneMatch(e -> e.getLevel() == Level.DEBUG);
    }

    /** With the step's level off and nobody listening, nothing of the event is built: not even its branch's text. */
    @Test
    void anEventNobodyWantsCostsNothingToBuild() {
        java.util.concurrent.atomic.AtomicInteger built = new java.util.concurrent.atomic.AtomicInteger();
        Object branch = new Object() {
            @Override
            public String toString() {
                built.incrementAndGet();
                return "node/1/1:1";
            }
        };
        Audit quiet = new Audit();
        audit.setLevel(Level.INFO);
        quiet.emit(EventType.PREPARE_SENT, "node/1/1", branch, null);
        assertThat(built).hasValue(0);
        assertThat(lines.list).isEmpty();

        audit.setLevel(Level.DEBUG);
        quiet.emit(EventType.PREPARE_SENT, "node/1/1", branch, null);
        assertThat(built).as("written at DEBUG").hasValue(1);

        audit.setLevel(Level.INFO);
        java.util.List<dev.dtc.audit.AuditEvent> heard = new java.util.ArrayList<>();
        quiet.addListener(heard::add);
        quiet.emit(EventType.PREPARE_SENT, "node/1/1", branch, null);
        assertThat(built).as("built for the listener").hasValue(2);
        assertThat(heard).singleElement().extracting(dev.dtc.audit.AuditEvent::branch).isEqualTo("node/1/1:1");
        assertThat(lines.list).as("and not written").hasSize(1);
    }

    /** The level of every event is written in EventType's javadoc ("Logged at X."), and it is the one used. */
    @Test
    void eventTypeJavadocSaysTheLevelEachEventIsWrittenAt() throws Exception {
        String source = Files.readString(Path.of("src/main/java/dev/dtc/audit/EventType.java"));
        Matcher m = Pattern.compile("Logged at\\s+(?:\\*\\s+)?(DEBUG|INFO|WARN)\\.[^/]*\\*/\\s+([A-Z_]+)[,\\s]")
                .matcher(source);
        Map<EventType, String> documented = new EnumMap<>(EventType.class);
        while (m.find()) {
            documented.put(EventType.valueOf(m.group(2)), m.group(1));
        }
        assertThat(documented.keySet()).containsExactlyInAnyOrder(EventType.values());
        for (EventType t : EventType.values()) {
            assertThat(Audit.levelOf(t).name()).as(t.name()).isEqualTo(documented.get(t));
        }
    }

    private String commitTwoBranches(boolean heuristic) throws Exception {
        return commitTwoBranches(new EngineFixture(dir.resolve("log-" + System.nanoTime())), heuristic);
    }

    private static String commitTwoBranches(EngineFixture f, boolean heuristic) throws Exception {
        InMemoryResource a = new InMemoryResource("a");
        InMemoryResource b = new InMemoryResource("b");
        if (heuristic) {
            b.onCommit = x -> {
                throw InMemoryResource.xa(javax.transaction.xa.XAException.XA_HEURMIX);
            };
        }
        try (TransactionService dtc = f.builder().defaultTimeout(Duration.ofSeconds(30)).build()) {
            TransactionManager tm = dtc.transactionManager();
            tm.begin();
            String txId = ((dev.dtc.internal.tm.DtcTransaction) tm.getTransaction()).id();
            tm.getTransaction().enlistResource(a);
            tm.getTransaction().enlistResource(b);
            try {
                tm.commit();
            } catch (jakarta.transaction.HeuristicMixedException e) {
                assertThat(heuristic).as("a heuristic outcome only where one was made").isTrue();
            }
            return txId;
        }
    }
}
