package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The W3C Trace Context checks on a client's headers: what passes, and what is ignored as malformed. */
class TraceContextTest {
    static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aValidVersion00HeaderPassesUnchangedWithItsTracestate() {
        TraceContext c = TraceContext.fromHeaders(List.of(VALID), List.of("congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7"));
        assertThat(c.traceparent()).isEqualTo(VALID);
        assertThat(c.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(c.parentId()).isEqualTo("00f067aa0ba902b7");
        assertThat(c.tracestate()).as("several header lines are one list").isEqualTo("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
        assertThat(TraceContext.fromHeaders(List.of(" " + VALID + " "), List.of()).tracestate()).isNull();
    }

    @Test
    void malformedTraceparentsAreIgnored() {
        for (String bad : List.of("", "garbage", VALID.toUpperCase(), VALID + "-extra", VALID.substring(0, 54),
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff is never valid
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
                "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01", // not hex
                "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x")) { // a later version: a dash must follow
            assertThat(TraceContext.fromHeaders(List.of(bad), List.of("a=b"))).as(bad).isNull();
        }
        assertThat(TraceContext.fromHeaders(List.of(VALID, VALID), List.of())).as("repeated").isNull();
        assertThat(TraceContext.fromHeaders(List.of(), List.of("a=b"))).as("tracestate alone").isNull();
    }

    @Test
    void aLaterVersionIsReadAsVersion00() {
        TraceContext c = TraceContext.fromHeaders(
                List.of("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds"), null);
        assertThat(c.traceparent()).isEqualTo(VALID);
    }

    @Test
    void aTracestateOutsideTheLimitsIsDroppedAndTheTraceparentKept() {
        String members = "k=v,".repeat(TraceContext.MAX_TRACESTATE_MEMBERS) + "k=v";
        assertThat(TraceContext.fromHeaders(List.of(VALID), List.of(members)).tracestate()).isNull();
        assertThat(TraceContext.fromHeaders(List.of(VALID), List.of("a=\u00e9")).tracestate()).isNull();
        assertThat(TraceContext.fromHeaders(List.of(VALID), List.of("a=" + "x".repeat(5000))).tracestate()).isNull();
        assertThat(TraceContext.fromHeaders(List.of(VALID), List.of("a=" + "x".repeat(5000))).traceparent())
                .isEqualTo(VALID);
    }
}
