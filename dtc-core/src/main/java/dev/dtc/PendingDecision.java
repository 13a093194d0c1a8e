package dev.dtc;

import java.util.List;

/**
 * A transaction the coordinator's log holds open: a commit decision some of whose branches are not known to be
 * finished, or a heuristic outcome kept for an operator ({@link Recovery#pending()}).
 *
 * @param txId             the transaction id
 * @param heuristic        a resource decided on its own (or the outcome of a branch is unknown): kept until an
 *                         operator calls {@link Recovery#forgetHeuristic}
 * @param unfinished       the branches not known finished, each as {@code xid @resource} (or
 *                         {@code xid (unnamed resource)})
 * @param missingResources names of the resources those branches live in that are not registered for recovery:
 *                         the decision cannot end until they are ({@code "(unnamed)"} for a branch whose resource
 *                         did not name itself, which only an acknowledgement or a resource listing it can finish)
 */
public record PendingDecision(String txId, boolean heuristic, List<String> unfinished, List<String> missingResources) {

    public PendingDecision {
        unfinished = List.copyOf(unfinished);
        missingResources = List.copyOf(missingResources);
    }
}
