package dev.dtc.differential;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The orders across participants that the specs fix, checked on one raw trace (before
 * {@link CanonicalTrace} sorts parallel resource calls). Each completion call of the application
 * (commit or rollback, through any interface) opens a window; inside it:
 * <ol>
 *   <li>every {@code beforeCompletion} has returned before any prepare, commit or rollback is sent
 *       (JTA 2.0 §3.3.2: beforeCompletion runs before the two-phase commit starts);</li>
 *   <li>normal synchronizations' {@code beforeCompletion} run before interposed ones', and interposed
 *       ones' {@code afterCompletion} before normal ones' (TransactionSynchronizationRegistry javadoc);</li>
 *   <li>no two-phase {@code commit} is sent before every {@code prepare} has answered
 *       (X/Open XA: the decision needs all votes);</li>
 *   <li>{@code afterCompletion} runs only after the phase-two calls (commit, rollback) of the window
 *       have returned (it reports the outcome);</li>
 * </ol>
 * and over the whole trace: no resource answered a call with a protocol error (XAER_PROTO,
 * XAER_DUPID, or XAER_NOTA for anything but rollback and forget, from the state checks of
 * {@link SimulatedResourceManager}).
 */
final class TraceInvariants {

    private static final Set<String> COMPLETIONS = Set.of("commit", "rollback", "ut.commit", "ut.rollback",
            "tx.commit", "tx.rollback");
    private static final Set<String> PHASE_CALLS = Set.of("prepare", "commit", "rollback");
    private static final Set<String> PHASE_TWO = Set.of("commit", "rollback");

    private TraceInvariants() {
    }

    /** Returns the violations found; empty when the trace keeps every invariant. */
    static List<String> check(List<TraceEvent> events) {
        List<String> violations = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e.outcome() != null && e.outcome().endsWith("[protocol]")) {
                violations.add("XA protocol violation: " + e.render());
            }
        }
        for (TraceEvent completion : events) {
            if (completion.kind() == TraceEvent.Kind.APP && COMPLETIONS.contains(completion.operation())) {
                checkWindow(completion, events, violations);
            }
        }
        return violations;
    }

    private static void checkWindow(TraceEvent completion, List<TraceEvent> all, List<String> violations) {
        List<TraceEvent> w = new ArrayList<>();
        for (TraceEvent e : all) {
            if (e.entrySeq() > completion.entrySeq() && e.entrySeq() < completion.exitSeq()) {
                w.add(e);
            }
        }
        String where = " (within " + completion.render() + ")";
        for (TraceEvent b : w) {
            if (!b.operation().equals("beforeCompletion")) {
                continue;
            }
            for (TraceEvent r : w) {
                if (r.kind() == TraceEvent.Kind.RESOURCE && PHASE_CALLS.contains(r.operation())
                        && r.entrySeq() < b.exitSeq()) {
                    violations.add(r.render() + " was sent before " + b.lane() + ".beforeCompletion returned" + where);
                }
            }
        }
        for (TraceEvent a : w) {
            for (TraceEvent b : w) {
                if (a.kind() != TraceEvent.Kind.SYNC || b.kind() != TraceEvent.Kind.SYNC || a.entrySeq() >= b.entrySeq()) {
                    continue;
                }
                boolean aInterposed = a.lane().startsWith("i");
                boolean bInterposed = b.lane().startsWith("i");
                if (a.operation().equals("beforeCompletion") && b.operation().equals("beforeCompletion")
                        && aInterposed && !bInterposed && registeredBefore(b, a, all)) {
                    violations.add("interposed " + a.lane() + ".beforeCompletion ran before normal " + b.lane() + where);
                }
                if (a.operation().equals("afterCompletion") && b.operation().equals("afterCompletion")
                        && !aInterposed && bInterposed) {
                    violations.add("normal " + a.lane() + ".afterCompletion ran before interposed " + b.lane() + where);
                }
            }
        }
        long lastPrepareExit = 0;
        for (TraceEvent r : w) {
            if (r.kind() == TraceEvent.Kind.RESOURCE && r.operation().equals("prepare")) {
                lastPrepareExit = Math.max(lastPrepareExit, r.exitSeq());
            }
        }
        for (TraceEvent r : w) {
            if (r.kind() == TraceEvent.Kind.RESOURCE && r.call().startsWith("commit(") && !r.call().contains("onePhase")
                    && r.entrySeq() < lastPrepareExit) {
                violations.add(r.render() + " was sent before every prepare had answered" + where);
            }
        }
        for (TraceEvent a : w) {
            if (!a.operation().equals("afterCompletion")) {
                continue;
            }
            for (TraceEvent r : w) {
                // phase two only: a prepare that was given up on (it overran the timeout) may
                // still be running when the outcome, rollback, is reported
                if (r.kind() == TraceEvent.Kind.RESOURCE && PHASE_TWO.contains(r.operation())
                        && r.exitSeq() > a.entrySeq()) {
                    violations.add(a.lane() + ".afterCompletion ran before " + r.render() + " had returned" + where);
                }
            }
        }
    }

    /**
     * A normal synchronization registered from inside an interposed one's beforeCompletion
     * legitimately runs after it; only normal ones registered earlier must run first.
     */
    private static boolean registeredBefore(TraceEvent normal, TraceEvent interposed, List<TraceEvent> all) {
        for (TraceEvent e : all) {
            if (e.call().equals("registerSynchronization(" + normal.lane() + ")")) {
                return e.entrySeq() < interposed.entrySeq();
            }
        }
        return true;
    }
}
