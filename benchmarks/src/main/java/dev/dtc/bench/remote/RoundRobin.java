package dev.dtc.bench.remote;

import java.util.List;

/**
 * Transactions spread over several coordinators in turn: the n-th transaction of the run goes to coordinator
 * n mod N, so each gets the same share whatever the clients' speeds, as a load balancer in round-robin mode would.
 */
final class RoundRobin implements Workload {

    private final List<DtcTransactions> coordinators;

    RoundRobin(List<DtcTransactions> coordinators) {
        if (coordinators.isEmpty()) {
            throw new IllegalArgumentException("at least one coordinator is needed");
        }
        this.coordinators = List.copyOf(coordinators);
    }

    @Override
    public String label() {
        return "dtc";
    }

    @Override
    public Result run(long seq) throws Exception {
        return coordinators.get((int) (seq % coordinators.size())).run(seq);
    }
}
