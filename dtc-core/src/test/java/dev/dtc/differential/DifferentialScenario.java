package dev.dtc.differential;

import java.util.Arrays;
import java.util.List;

/**
 * A named scenario and the canonical trace we expect from a manager that follows the
 * Jakarta Transactions 2.0 spec and X/Open XA. The expected trace was first produced by Narayana
 * and then checked, line by line, against the specs (see the comments beside each scenario).
 *
 * @param name     stable identifier, used in the known-differences table and the docs
 * @param why      what the scenario checks, in one sentence
 * @param body     the scenario
 * @param expected canonical trace, one event per line ("lane call -> outcome")
 */
record DifferentialScenario(String name, String why, Scenario body, String expected) {

    static DifferentialScenario of(String name, String why, String expected, Scenario body) {
        return new DifferentialScenario(name, why, body, expected);
    }

    List<String> expectedLines() {
        return CanonicalTrace.normalize(Arrays.asList(expected.strip().split("\n")));
    }

    @Override
    public String toString() {
        return name;
    }
}
