package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import javax.sql.XADataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.xa.PGXADataSource;

/** The pieces that need no database: answers from the coordinator, the builder's checks, Xids. */
class UnitsTest {

    @Test
    void coordinatorAnswersAreActedOnOnlyWhenClear() {
        assertThat(CoordinatorClient.read(200, "{\"outcome\":\"COMMITTED\",\"x\":1}", null).outcome())
                .isEqualTo(CoordinatorClient.Outcome.COMMITTED);
        assertThat(CoordinatorClient.read(200, "{\"outcome\":\"ROLLED_BACK\"}", null).outcome())
                .isEqualTo(CoordinatorClient.Outcome.ROLLED_BACK);
        assertThat(CoordinatorClient.read(200, "{\"outcome\":\"IN_PROGRESS\"}", null).outcome())
                .isEqualTo(CoordinatorClient.Outcome.IN_PROGRESS);
        assertThat(CoordinatorClient.read(404, "{\"error\":\"?\",\"outcome\":\"ROLLED_BACK\",\"presumed\":true}", null)
                .outcome()).isEqualTo(CoordinatorClient.Outcome.ROLLED_BACK);
        // a 404 from something that is not the coordinator must not roll back prepared work
        assertThat(CoordinatorClient.read(404, "<html>not found</html>", null).outcome())
                .isEqualTo(CoordinatorClient.Outcome.UNKNOWN);
        assertThat(CoordinatorClient.read(503, "{}", "2").outcome()).isEqualTo(CoordinatorClient.Outcome.UNKNOWN);
        assertThat(CoordinatorClient.read(200, "{\"outcome\":\"MAYBE\"}", null).outcome())
                .isEqualTo(CoordinatorClient.Outcome.UNKNOWN);
        assertThat(CoordinatorClient.read(401, "{\"error\":\"token\"}", null).outcome())
                .isEqualTo(CoordinatorClient.Outcome.UNKNOWN);
    }

    private static Participant.Builder valid() {
        XADataSource ds = new PGXADataSource();
        return Participant.builder().name("inventory").xaDataSource(ds).work((t, p, c) -> true)
                .coordinator(URI.create("http://127.0.0.1:8080")).token("secret");
    }

    @Test
    void builderRefusesWhatCannotWork() {
        assertThat(valid().build()).isNotNull();
        assertThatThrownBy(() -> valid().name("x".repeat(65)).build()).hasMessageContaining("name");
        assertThatThrownBy(() -> valid().name("in ventory").build()).hasMessageContaining("name");
        assertThatThrownBy(() -> valid().name(null).build()).hasMessageContaining("name");
        assertThatThrownBy(() -> valid().xaDataSource(null).build()).hasMessageContaining("xaDataSource");
        assertThatThrownBy(() -> valid().work(null).build()).hasMessageContaining("work");
        assertThatThrownBy(() -> valid().coordinator(URI.create("coordinator:8080")).build())
                .hasMessageContaining("coordinator");
        assertThatThrownBy(() -> valid().coordinator(null).build()).hasMessageContaining("coordinator");
        assertThatThrownBy(() -> valid().token(" ").build()).hasMessageContaining("token");
        assertThatThrownBy(() -> valid().recoveryInterval(Duration.ZERO).build())
                .hasMessageContaining("recoveryInterval");
        assertThatThrownBy(() -> valid().maxBodyBytes(0).build()).hasMessageContaining("maxBodyBytes");
        assertThatThrownBy(() -> valid().outcomeTable("x; DROP TABLE y").build()).hasMessageContaining("outcomeTable");
    }

    @Test
    void unstartedParticipantAnswers503ButStillChecksTheToken() {
        try (Participant p = valid().build()) {
            byte[] body = "{\"transactionId\":\"t1\"}".getBytes();
            assertThat(p.handle("POST", "/commit", "Bearer secret", body).status()).isEqualTo(503);
            assertThat(p.handle("POST", "/commit", null, body).status()).isEqualTo(401);
        }
    }

    @Test
    void xidsAreTheKitsOwnAndNamedForTheParticipant() {
        BranchXid xid = BranchXid.of("tx-1", "inventory");
        assertThat(xid.getFormatId()).isEqualTo(0x64747070);
        assertThat(BranchXid.belongsTo(xid, "inventory")).isTrue();
        assertThat(BranchXid.belongsTo(xid, "payment")).isFalse();
        assertThat(BranchXid.transactionId(xid)).isEqualTo("tx-1");
        assertThat(xid).isEqualTo(BranchXid.of("tx-1", "inventory")).isNotEqualTo(BranchXid.of("tx-2", "inventory"));
    }

    @Test
    void faultHookIsOffByDefaultAndRefusesUnknownValues() {
        assertThat(System.getProperty(FaultHook.PROPERTY)).isNull();
        FaultHook.fromSystemProperty().afterPrepare("t"); // returns: nothing halts
        System.setProperty(FaultHook.PROPERTY, "halt-sometime");
        try {
            assertThatThrownBy(FaultHook::fromSystemProperty).hasMessageContaining("halt-after-prepare");
        } finally {
            System.clearProperty(FaultHook.PROPERTY);
        }
    }
}
