package dev.dtc.differential;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Scenarios where dtc and Narayana are allowed to differ, each with its reason and the trace
 * that is asserted instead, so a known difference is still a test that can fail. Every entry is
 * mirrored in {@code docs/narayana-differences.md}. A difference that is a dtc bug does not
 * belong here: it is reported and fixed.
 */
final class KnownDifferences {

    /** Who departs from the scenario's expected (spec) trace. */
    enum Kind {
        /**
         * Narayana breaks what the spec says; {@link KnownDifference#trace()} is Narayana's trace,
         * and dtc must produce the scenario's expected trace.
         */
        NARAYANA_BREAKS_SPEC,
        /**
         * The spec leaves the behaviour open and dtc chose differently; Narayana produces the
         * scenario's expected trace, and dtc must produce {@link KnownDifference#trace()}.
         */
        DTC_CHOICE
    }

    /**
     * @param scenario the scenario's name
     * @param kind     who departs from the expected trace
     * @param narayana what Narayana does, in words
     * @param dtc      what dtc does, in words
     * @param reason   why dtc's behaviour is right, or where the spec leaves it open
     * @param trace    the canonical trace asserted for the manager that departs (see {@link Kind})
     */
    record KnownDifference(String scenario, Kind kind, String narayana, String dtc, String reason, String trace) {
        List<String> lines() {
            return CanonicalTrace.normalize(Arrays.asList(trace.strip().split("\n")));
        }
    }

    private static final Map<String, KnownDifference> ALL = Stream.of(
            new KnownDifference("timeout-negative", Kind.NARAYANA_BREAKS_SPEC,
                    "accepts a negative timeout silently (and then uses its default)",
                    "throws SystemException",
                    "the javadoc of TransactionManager/UserTransaction.setTransactionTimeout: "
                            + "'If the value is negative a SystemException is thrown'",
                    """
                    app  setTransactionTimeout(-1) -> ok
                    app  ut.setTransactionTimeout(-1) -> ok
                    app  begin -> ok
                    app  getStatus -> STATUS_ACTIVE
                    app  commit -> ok
                    """)
    ).collect(Collectors.toMap(KnownDifference::scenario, Function.identity()));

    private KnownDifferences() {
    }

    /** The known difference of a scenario, or null. */
    static KnownDifference of(String scenario) {
        return ALL.get(scenario);
    }

    static Map<String, KnownDifference> all() {
        return ALL;
    }
}
