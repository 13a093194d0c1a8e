package dev.dtc.log;

import dev.dtc.internal.xid.DtcXid;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DecisionPayloadTest {

    private static DtcXid xid(String gtrid, String bqual) {
        return new DtcXid(DtcXid.FORMAT_ID, gtrid.getBytes(StandardCharsets.US_ASCII),
                bqual.getBytes(StandardCharsets.US_ASCII));
    }

    /** docs/log-format.md ("DECISION payload") shows these bytes; the document must stay true to the code. */
    @Test
    void theDocumentedExampleEncodesToTheDocumentedBytesAndBack() {
        List<DecisionPayload.Branch> branches = List.of(
                new DecisionPayload.Branch(xid("n1/1/7", "1"), "orders"),
                new DecisionPayload.Branch(xid("n1/1/7", "2"), ""));
        byte[] documented = HexFormat.ofDelimiter(" ").parseHex("02 00 02 64 74 63 31 06 6E 31 2F 31 2F 37 01 31"
                + " 00 06 6F 72 64 65 72 73 64 74 63 31 06 6E 31 2F 31 2F 37 01 32 00 00");

        assertThat(DecisionPayload.encode(branches)).isEqualTo(documented);
        assertThat(DecisionPayload.decode(documented)).containsExactlyElementsOf(branches);
    }

    @Test
    void aVersionOnePayloadOfAnEarlierReleaseReadsAsUnnamedBranches() {
        byte[] v1 = HexFormat.ofDelimiter(" ").parseHex("01 00 02 64 74 63 31 06 6E 31 2F 31 2F 37 01 31"
                + " 64 74 63 31 06 6E 31 2F 31 2F 37 01 32");

        assertThat(DecisionPayload.decode(v1)).containsExactly(
                new DecisionPayload.Branch(xid("n1/1/7", "1"), ""),
                new DecisionPayload.Branch(xid("n1/1/7", "2"), ""));
        assertThat(DecisionPayload.decode(v1)).allMatch(DecisionPayload.Branch::unnamed);
    }

    @Test
    void aPayloadOfANewerVersionOrCutShortIsRefusedSayingWhy() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DecisionPayload.decode(new byte[] {3, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 3")
                .hasMessageContaining("newer release");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DecisionPayload.decode(new byte[] {2, 0, 1, 0x64}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cut short");
    }
}
