package dev.dtc.differential;

/**
 * One call observed during a scenario: who was called (the lane), what, and how it ended.
 *
 * <p>An event is created when the call starts, so the trace is ordered by call start; the
 * outcome and the exit sequence number are filled in when the call returns. Both are needed:
 * ordering checks such as "no commit starts before every prepare has returned" compare the
 * start of one call with the end of another.
 */
final class TraceEvent {

    /** Which kind of participant a lane is; only resource calls may be reordered by parallel phases. */
    enum Kind { APP, RESOURCE, SYNC }

    private final long entrySeq;
    private final String lane;
    private final Kind kind;
    private final String call;
    private volatile String outcome;
    private volatile long exitSeq = Long.MAX_VALUE;

    TraceEvent(long entrySeq, String lane, Kind kind, String call) {
        this.entrySeq = entrySeq;
        this.lane = lane;
        this.kind = kind;
        this.call = call;
    }

    long entrySeq() {
        return entrySeq;
    }

    /** Sequence number taken when the call returned; {@code Long.MAX_VALUE} while it runs. */
    long exitSeq() {
        return exitSeq;
    }

    String lane() {
        return lane;
    }

    Kind kind() {
        return kind;
    }

    String call() {
        return call;
    }

    String outcome() {
        return outcome;
    }

    void finish(String outcome, long exitSeq) {
        this.outcome = outcome;
        this.exitSeq = exitSeq;
    }

    /** The call name without its arguments, e.g. "prepare" for "prepare(tx1/b1)". */
    String operation() {
        int paren = call.indexOf('(');
        return paren < 0 ? call : call.substring(0, paren);
    }

    String render() {
        return render(lane, call, outcome);
    }

    /** "lane call -> outcome", the line format of every trace. */
    static String render(String lane, String call, String outcome) {
        return String.format("%-4s %s%s", lane, call, outcome == null ? "" : " -> " + outcome);
    }

    @Override
    public String toString() {
        return render();
    }
}
