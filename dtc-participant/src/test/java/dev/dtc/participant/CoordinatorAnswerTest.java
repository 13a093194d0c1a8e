package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the kit reads a coordinator's answer about an outcome. */
class CoordinatorAnswerTest {

    @Test
    void a503WithRetryAfterInSecondsSaysWhenToAskAgainSoRecoveryDoesNotDoubleItsDelay() {
        CoordinatorClient.Answer a = CoordinatorClient.read(503, "{\"error\":\"node c2 stopped renewing its lease\"}",
                "2");
        assertThat(a.outcome()).isEqualTo(CoordinatorClient.Outcome.UNKNOWN);
        assertThat(a.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(a.detail()).contains("retry after 2 s");
    }

    @Test
    void aRetryAfterThatIsNotSecondsOrMissingLeavesTheBackoffToTheKit() {
        assertThat(CoordinatorClient.read(503, "{}", "Wed, 21 Oct 2026 07:28:00 GMT").retryAfter()).isNull();
        assertThat(CoordinatorClient.read(503, "{}", null).retryAfter()).isNull();
        assertThat(CoordinatorClient.read(200, "{\"outcome\":\"COMMITTED\"}", "2").retryAfter()).isNull();
    }
}
