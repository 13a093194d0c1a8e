package dev.dtc;

import java.util.List;

/**
 * What one recovery pass did.
 *
 * @param committed  Xids (as text) committed because their transaction had a logged commit decision
 * @param rolledBack Xids (as text) of prepared branches rolled back because they had no decision
 * @param finished   transaction ids whose decision record could be ended (every branch done)
 * @param pending    transaction ids still decided but not finished (a branch could not be reached)
 * @param failures   resources that could not be scanned, with the reason
 */
public record RecoveryReport(List<String> committed, List<String> rolledBack, List<String> finished,
                             List<String> pending, List<String> failures) {

    public RecoveryReport {
        committed = List.copyOf(committed);
        rolledBack = List.copyOf(rolledBack);
        finished = List.copyOf(finished);
        pending = List.copyOf(pending);
        failures = List.copyOf(failures);
    }

    /** True when nothing is left in doubt: no pending decision and no scan failure. */
    public boolean clean() {
        return pending.isEmpty() && failures.isEmpty();
    }
}
