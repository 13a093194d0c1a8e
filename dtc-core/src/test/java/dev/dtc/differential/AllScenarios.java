package dev.dtc.differential;

import java.util.ArrayList;
import java.util.List;

/** Every scenario, grouped by topic in the order the report lists them. */
final class AllScenarios {

    private AllScenarios() {
    }

    static List<DifferentialScenario> list() {
        List<DifferentialScenario> all = new ArrayList<>();
        all.addAll(CommitScenarios.all());
        all.addAll(PrepareFailureScenarios.all());
        all.addAll(RollbackOnlyScenarios.all());
        all.addAll(SynchronizationScenarios.all());
        all.addAll(EnlistmentScenarios.all());
        all.addAll(ThreadAssociationScenarios.all());
        all.addAll(TimeoutScenarios.all());
        all.addAll(RegistryScenarios.all());
        all.addAll(HeuristicScenarios.all());
        return List.copyOf(all);
    }
}
