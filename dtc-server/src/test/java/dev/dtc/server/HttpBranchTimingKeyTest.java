package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The engine keeps call times per {@code timingKey()}: per service, so that clients' URLs cannot grow it. */
class HttpBranchTimingKeyTest {

    private static HttpBranch branch(String name, String url) {
        return new HttpBranch("tx", null, ParticipantAddress.parse(name, url), null, null, null, null);
    }

    @Test
    void participantsOfOneServiceShareOneKeyWhateverTheirPathAndName() {
        String a = branch("orders", "http://127.0.0.1:9101/tx/orders").timingKey();
        String b = branch("orders-2", "http://127.0.0.1:9101/other/path").timingKey();
        assertThat(a).isEqualTo(b).isEqualTo("http://127.0.0.1:9101");
    }

    @Test
    void servicesOnOtherPortsOrHostsAreKeptApart() {
        String a = branch("p", "http://127.0.0.1:9101/tx").timingKey();
        assertThat(branch("p", "http://127.0.0.1:9102/tx").timingKey()).isNotEqualTo(a);
        assertThat(branch("p", "https://127.0.0.1:9101/tx").timingKey()).isNotEqualTo(a);
        assertThat(branch("p", "http://localhost:9101/tx").timingKey()).isNotEqualTo(a);
    }
}
