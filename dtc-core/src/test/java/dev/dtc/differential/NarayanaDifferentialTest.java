package dev.dtc.differential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every scenario on Narayana and on dtc.
 *
 * <ul>
 *   <li>"narayana follows the spec": Narayana's canonical trace equals the scenario's expected
 *       trace. This keeps the harness honest (a scenario that does not do what it says fails here,
 *       on the reference) and pins our reading of the spec. Where Narayana is known to break the
 *       spec, its trace must equal the one recorded in {@link KnownDifferences}.</li>
 *   <li>"dtc behaves like narayana": dtc's canonical trace equals Narayana's from the same run;
 *       where Narayana breaks the spec, dtc must produce the expected (spec) trace; where the spec
 *       leaves a choice and dtc chose differently, dtc must produce the trace recorded in
 *       {@link KnownDifferences}.</li>
 * </ul>
 * Both check {@link TraceInvariants} on the raw trace. Every trace is also written to
 * {@code target/differential-traces/<manager>/<scenario>.trace} for reading.
 */
class NarayanaDifferentialTest {

    private static final Map<String, List<String>> NARAYANA_TRACES = new ConcurrentHashMap<>();

    @TestFactory
    Stream<DynamicContainer> scenarios() {
        return AllScenarios.list().stream().map(s -> dynamicContainer(s.name(), Stream.of(
                dynamicTest("narayana follows the spec", () -> narayanaFollowsTheSpec(s)),
                dynamicTest("dtc behaves like narayana", () -> dtcBehavesLikeNarayana(s)))));
    }

    @Test
    void scenarioNamesAreUniqueAndKnownDifferencesNameRealScenarios() {
        Set<String> names = new HashSet<>();
        for (DifferentialScenario s : AllScenarios.list()) {
            assertThat(names.add(s.name())).as("duplicate scenario name %s", s.name()).isTrue();
        }
        assertThat(names).hasSizeGreaterThanOrEqualTo(40);
        assertThat(names).containsAll(KnownDifferences.all().keySet());
    }

    private static void narayanaFollowsTheSpec(DifferentialScenario s) throws Exception {
        List<String> actual = narayanaTrace(s);
        KnownDifferences.KnownDifference known = KnownDifferences.of(s.name());
        if (known != null && known.kind() == KnownDifferences.Kind.NARAYANA_BREAKS_SPEC) {
            assertThat(CanonicalTrace.text(actual))
                    .as("Narayana's trace for %s, where it is known to depart from the spec: %s", s.name(), known.reason())
                    .isEqualTo(CanonicalTrace.text(known.lines()));
        } else {
            assertThat(CanonicalTrace.text(actual))
                    .as("Narayana's trace for %s (%s)", s.name(), s.why())
                    .isEqualTo(CanonicalTrace.text(s.expectedLines()));
        }
    }

    private static void dtcBehavesLikeNarayana(DifferentialScenario s) throws Exception {
        List<String> actual = run(s, DtcManager::new);
        KnownDifferences.KnownDifference known = KnownDifferences.of(s.name());
        if (known == null) {
            assertThat(CanonicalTrace.text(actual))
                    .as("dtc's trace for %s must equal Narayana's (%s)", s.name(), s.why())
                    .isEqualTo(CanonicalTrace.text(narayanaTrace(s)));
        } else if (known.kind() == KnownDifferences.Kind.NARAYANA_BREAKS_SPEC) {
            assertThat(CanonicalTrace.text(actual))
                    .as("dtc's trace for %s must follow the spec where Narayana does not: %s", s.name(), known.reason())
                    .isEqualTo(CanonicalTrace.text(s.expectedLines()));
        } else {
            assertThat(CanonicalTrace.text(actual))
                    .as("dtc's trace for %s, a known difference from Narayana: %s", s.name(), known.reason())
                    .isEqualTo(CanonicalTrace.text(known.lines()));
        }
    }

    private static List<String> narayanaTrace(DifferentialScenario s) throws Exception {
        List<String> cached = NARAYANA_TRACES.get(s.name());
        if (cached == null) {
            cached = run(s, NarayanaManager::new);
            NARAYANA_TRACES.put(s.name(), cached);
        }
        return cached;
    }

    /** Runs the scenario on a fresh manager; fails on invariant violations; returns the canonical trace. */
    static List<String> run(DifferentialScenario s, Supplier<ManagerUnderTest> managers) throws Exception {
        Trace trace = new Trace();
        String managerName;
        List<TraceEvent> events;
        try (ManagerUnderTest m = managers.get()) {
            managerName = m.name();
            s.body().run(new ScenarioContext(m, trace));
            // before close: the clean-up of a failed scenario is not part of its trace
            events = trace.snapshot();
        }
        List<String> canonical = CanonicalTrace.of(events);
        write(managerName, s.name(), canonical, events);
        assertThat(TraceInvariants.check(events))
                .as("%s broke an ordering the spec fixes in %s; raw trace:%n%s", managerName, s.name(), trace)
                .isEmpty();
        return canonical;
    }

    private static void write(String manager, String scenario, List<String> canonical, List<TraceEvent> raw) {
        try {
            Path dir = Path.of("target", "differential-traces", manager);
            Files.createDirectories(dir);
            StringBuilder rawText = new StringBuilder();
            for (TraceEvent e : raw) {
                rawText.append(String.format("%4d..%-4s %s%n", e.entrySeq(),
                        e.exitSeq() == Long.MAX_VALUE ? "" : Long.toString(e.exitSeq()), e.render()));
            }
            Files.writeString(dir.resolve(scenario + ".trace"), CanonicalTrace.text(canonical)
                    + "\n# raw, in call order (entry..exit sequence numbers)\n" + rawText);
        } catch (IOException e) {
            // reading material only; the assertions carry the result
        }
    }
}
