package dev.dtc.differential;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A trace with the one legitimate source of non-determinism removed, so traces of two managers
 * (or two runs) compare line by line.
 *
 * <p>A manager may call different resources in any order or in parallel during a phase: X/Open
 * XA fixes the order of calls on one branch, not across branches (dtc prepares and commits all
 * branches in parallel, Narayana one after the other). So every maximal run of consecutive
 * resource events within one phase (no application or synchronization call starts or returns
 * between them) is sorted by lane, keeping each lane's own order. Everything else stays where
 * it happened: application calls, synchronization callbacks, and therefore the position of the
 * phases relative to them. The orders across resources that the specs do fix (all prepares
 * answered before the first commit, …) are checked separately by {@link TraceInvariants}.
 *
 * <p>{@code isSameRM} calls are left out: how often a manager asks and in which order is its own
 * business (Narayana iterates a hash table, so even its own order varies from run to run), and
 * what it concludes is visible where it matters, in the Xid and flags of {@code start}
 * (a new branch, or {@code TMJOIN} on an existing one). The raw trace keeps them.
 */
final class CanonicalTrace {

    private CanonicalTrace() {
    }

    static List<String> of(List<TraceEvent> events) {
        long[] boundaries = boundaries(events);
        List<String> lines = new ArrayList<>();
        List<TraceEvent> run = new ArrayList<>();
        int runEpoch = -1;
        for (TraceEvent e : events) {
            if (e.kind() == TraceEvent.Kind.RESOURCE && e.operation().equals("isSameRM")) {
                continue;
            }
            if (e.kind() != TraceEvent.Kind.RESOURCE) {
                flush(run, lines);
                lines.add(e.render());
                continue;
            }
            int epoch = epoch(boundaries, e.entrySeq());
            if (epoch != runEpoch) {
                flush(run, lines);
                runEpoch = epoch;
            }
            run.add(e);
        }
        flush(run, lines);
        return normalize(lines);
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
        int i = java.util.Arrays.binarySearch(boundaries, seq);
        return i >= 0 ? i : -i - 1;
    }

    private static void flush(List<TraceEvent> run, List<String> lines) {
        run.sort(Comparator.comparing(TraceEvent::lane)); // stable: keeps each lane's order
        for (TraceEvent e : run) {
            lines.add(e.render());
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
