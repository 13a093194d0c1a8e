package dev.dtc.differential;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A trace with the differences the specs leave open taken out, so traces of two managers (or of
 * two runs) compare line by line. Each is a place where X/Open XA or Jakarta Transactions lets a
 * manager choose, and each is listed in {@code docs/narayana-differences.md} with what the two
 * managers actually do:
 * <ol>
 *   <li><b>Order across resources within a phase.</b> XA fixes the order of calls on one branch,
 *       not across branches (dtc prepares and commits all branches in parallel, Narayana one after
 *       the other). So every run of consecutive resource calls within one phase (no application or
 *       synchronization call starts or returns between them) is sorted by resource, keeping each
 *       resource's own order. Everything else stays where it happened, so the position of the
 *       phases relative to the application and the synchronizations is compared. The orders across
 *       resources the specs do fix (all prepares answered before the first commit, …) are checked
 *       by {@link TraceInvariants}.</li>
 *   <li><b>Probes.</b> {@code isSameRM}, {@code setTransactionTimeout} and
 *       {@code getTransactionTimeout} are left out: how often a manager asks, and whether it passes
 *       its timeout down, is its own business (Narayana iterates a hash table when asking
 *       isSameRM, so even its own order varies). What it concludes shows where it matters, in the
 *       Xid and flags of {@code start}; the timeout hand-down is compared by its own scenario.</li>
 *   <li><b>The flag of an {@code end} that the manager sends right before rolling the branch
 *       back</b> is shown as "TMSUCCESS or TMFAIL": both are legal before xa_rollback (Narayana
 *       sends TMFAIL, dtc TMSUCCESS) and the branch is rolled back either way. An {@code end} the
 *       application asked for through {@code delistResource} keeps its flag.</li>
 *   <li><b>Order among synchronizations of one kind in afterCompletion.</b> The
 *       TransactionSynchronizationRegistry javadoc orders interposed before normal ones; within
 *       each kind no order is specified (Narayana calls them in reverse registration order, dtc in
 *       registration order). Consecutive afterCompletion callbacks of one kind are sorted by lane,
 *       each with the calls it made.</li>
 * </ol>
 */
final class CanonicalTrace {

    private static final Set<String> PROBES = Set.of("isSameRM", "setTransactionTimeout", "getTransactionTimeout");
    static final String END_BEFORE_ROLLBACK = "TMSUCCESS or TMFAIL";

    private CanonicalTrace() {
    }

    static List<String> of(List<TraceEvent> raw) {
        List<TraceEvent> events = new ArrayList<>();
        for (TraceEvent e : raw) {
            if (!(e.kind() == TraceEvent.Kind.RESOURCE && PROBES.contains(e.operation()))) {
                events.add(e);
            }
        }
        Map<TraceEvent, String> rendered = renderWithEndFlagsBeforeRollback(events);
        events = afterCompletionsSortedWithinKind(events);
        long[] boundaries = boundaries(events);
        List<String> lines = new ArrayList<>();
        List<TraceEvent> run = new ArrayList<>();
        int runEpoch = -1;
        for (TraceEvent e : events) {
            if (e.kind() != TraceEvent.Kind.RESOURCE) {
                flush(run, rendered, lines);
                lines.add(rendered.get(e));
                continue;
            }
            int epoch = epoch(boundaries, e.entrySeq());
            if (epoch != runEpoch) {
                flush(run, rendered, lines);
                runEpoch = epoch;
            }
            run.add(e);
        }
        flush(run, rendered, lines);
        return normalize(lines);
    }

    /** Equivalence 3: the manager's own end before a rollback of the same branch. */
    private static Map<TraceEvent, String> renderWithEndFlagsBeforeRollback(List<TraceEvent> events) {
        Map<TraceEvent, String> rendered = new HashMap<>();
        Map<String, TraceEvent> lastInLane = new HashMap<>();
        for (TraceEvent e : events) {
            rendered.put(e, e.render());
            if (e.kind() != TraceEvent.Kind.RESOURCE) {
                continue;
            }
            TraceEvent previous = lastInLane.put(e.lane(), e);
            if (previous != null && previous.operation().equals("end") && e.operation().equals("rollback")
                    && xidOf(previous).equals(xidOf(e)) && !insideDelist(previous, events)) {
                String call = "end(" + xidOf(previous) + ", " + END_BEFORE_ROLLBACK + ")";
                rendered.put(previous, TraceEvent.render(previous.lane(), call, previous.outcome()));
            }
        }
        return rendered;
    }

    private static String xidOf(TraceEvent e) {
        String call = e.call();
        int open = call.indexOf('(');
        int end = call.indexOf(',', open);
        return call.substring(open + 1, end < 0 ? call.indexOf(')', open) : end);
    }

    private static boolean insideDelist(TraceEvent end, List<TraceEvent> events) {
        for (TraceEvent d : events) {
            if (d.kind() != TraceEvent.Kind.RESOURCE && d.call().contains("delistResource(")
                    && d.entrySeq() < end.entrySeq() && end.entrySeq() < d.exitSeq()) {
                return true;
            }
        }
        return false;
    }

    /** Equivalence 4: runs of afterCompletion callbacks of one kind, sorted by lane, with their nested calls. */
    private static List<TraceEvent> afterCompletionsSortedWithinKind(List<TraceEvent> events) {
        List<TraceEvent> out = new ArrayList<>();
        List<List<TraceEvent>> run = new ArrayList<>();
        Boolean runInterposed = null;
        int i = 0;
        while (i < events.size()) {
            TraceEvent e = events.get(i);
            if (e.kind() == TraceEvent.Kind.SYNC && e.operation().equals("afterCompletion")) {
                List<TraceEvent> block = new ArrayList<>();
                block.add(e);
                int j = i + 1;
                while (j < events.size() && events.get(j).entrySeq() < e.exitSeq()) {
                    block.add(events.get(j++));
                }
                boolean interposed = e.lane().startsWith("i");
                if (runInterposed != null && runInterposed != interposed) {
                    flushBlocks(run, out);
                }
                runInterposed = interposed;
                run.add(block);
                i = j;
            } else {
                flushBlocks(run, out);
                runInterposed = null;
                out.add(e);
                i++;
            }
        }
        flushBlocks(run, out);
        return out;
    }

    private static void flushBlocks(List<List<TraceEvent>> run, List<TraceEvent> out) {
        run.sort(Comparator.comparing(block -> block.get(0).lane()));
        run.forEach(out::addAll);
        run.clear();
    }

    /**
     * Entry and exit sequence numbers of every application and synchronization call: a resource
     * call made inside {@code enlistResource} (its start) and one made after it returned (a
     * prepare) are in different phases even when no other event starts between them.
     */
    private static long[] boundaries(List<TraceEvent> events) {
        List<Long> b = new ArrayList<>();
        for (TraceEvent e : events) {
            if (e.kind() != TraceEvent.Kind.RESOURCE) {
                b.add(e.entrySeq());
                b.add(e.exitSeq());
            }
        }
        return b.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static int epoch(long[] boundaries, long seq) {
        int i = Arrays.binarySearch(boundaries, seq);
        return i >= 0 ? i : -i - 1;
    }

    private static void flush(List<TraceEvent> run, Map<TraceEvent, String> rendered, List<String> lines) {
        run.sort(Comparator.comparing(TraceEvent::lane)); // stable: keeps each lane's order
        for (TraceEvent e : run) {
            lines.add(rendered.get(e));
        }
        run.clear();
    }

    /** One space between lane and call, no surrounding blanks, no empty lines. */
    static List<String> normalize(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            String s = l.strip();
            if (!s.isEmpty()) {
                out.add(s.replaceFirst("\\s+", " "));
            }
        }
        return out;
    }

    /** As a text block, for failure messages and for writing expected traces. */
    static String text(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            int space = l.indexOf(' ');
            String lane = space < 0 ? l : l.substring(0, space);
            String rest = space < 0 ? "" : l.substring(space + 1);
            sb.append(String.format("%-4s %s%n", lane, rest));
        }
        return sb.toString();
    }
}
