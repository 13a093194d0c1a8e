package dev.dtc.campaign.log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an {@code strace -f -tt -y -o FILE} trace of a committing process and checks the two orderings a power
 * loss would expose and a kill cannot:
 * <ol>
 * <li>for each transaction, the write of its DECISION into a segment, then an fsync/fdatasync of that segment that
 *     returned 0, both before the first commit message written to a participant's socket ({@code COMMIT <gtrid>},
 *     pgjdbc's {@code COMMIT PREPARED '<gid>'}, or dtc-server's {@code POST .../commit} with the id in its body);</li>
 * <li>for each segment file created (opened with O_CREAT, or renamed into place), an fsync of the log directory
 *     that returned 0 after the creation and before the first DECISION written into it.</li>
 * </ol>
 * Lines are taken in trace order; an unfinished call completes at its {@code resumed} line.
 */
final class TraceCheck {

    /** One system call: where it started and completed in the trace. */
    record Call(int pid, String name, String args, String result, int start, int end) {
        /** The path strace -y shows for the first (fd) argument, or "". */
        String fdPath() {
            Matcher m = FD_PATH.matcher(args);
            return m.lookingAt() ? m.group(1) : "";
        }

        boolean ok() {
            return result.startsWith("0") || result.matches("^[1-9]\\d*.*");
        }
    }

    record Result(int transactions, int segments, List<String> orderViolations, List<String> directoryViolations) {
    }

    private static final Pattern LINE = Pattern.compile("^(?:\\[pid\\s+)?(\\d+)\\]?\\s+(\\d\\d:\\d\\d:\\d\\d\\.\\d+)\\s+(.*)$");
    private static final Pattern RESUMED = Pattern.compile("^<\\.\\.\\. (\\w+) resumed>(.*)\\)\\s+=\\s+(.*)$");
    private static final Pattern UNFINISHED = Pattern.compile("^(\\w+)\\((.*) <unfinished \\.\\.\\.>$");
    private static final Pattern COMPLETE = Pattern.compile("^(\\w+)\\((.*)\\)\\s+=\\s+(.*)$");
    static final Pattern FD_PATH = Pattern.compile("\\d+<([^>]*)>");
    private static final Pattern COMMIT = Pattern.compile("COMMIT ([^\\\\\"]+)\\\\n");
    /** pgjdbc's gid: formatId _ base64(gtrid) _ base64(bqual). */
    private static final Pattern COMMIT_PREPARED = Pattern.compile("COMMIT PREPARED '(-?\\d+_[A-Za-z0-9+/=]+_[A-Za-z0-9+/=]*)'");
    /** An HTTP/1.1 request line (dtc-server's calls to its participants: {@code POST {url}/commit HTTP/1.1}). */
    private static final Pattern HTTP_REQUEST = Pattern.compile("\\b(POST|PUT|GET|DELETE|PATCH) (\\S+) HTTP/1\\.1\\\\r\\\\n");
    /** A JSON body's transaction id, as strace shows it ({@code {\\"transactionId\\":\\"...\\"}}). */
    private static final Pattern HTTP_TX = Pattern.compile("\\\\\"transactionId\\\\\":\\s*\\\\\"([^\\\\\"]+)\\\\\"");
    private static final Pattern SEGMENT = Pattern.compile(".*/dtc-\\d{8,}\\.log$");
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private TraceCheck() {
    }

    static List<Call> parse(List<String> lines) {
        List<Call> calls = new ArrayList<>();
        Map<String, Object[]> unfinished = new HashMap<>(); // pid/name -> {args, start}
        for (int i = 0; i < lines.size(); i++) {
            Matcher l = LINE.matcher(lines.get(i));
            if (!l.matches()) {
                continue;
            }
            int pid = Integer.parseInt(l.group(1));
            String rest = l.group(3);
            Matcher m;
            if ((m = RESUMED.matcher(rest)).matches()) {
                Object[] u = unfinished.remove(pid + "/" + m.group(1));
                if (u != null) {
                    calls.add(new Call(pid, m.group(1), u[0] + m.group(2), m.group(3), (Integer) u[1], i));
                }
            } else if ((m = UNFINISHED.matcher(rest)).matches()) {
                unfinished.put(pid + "/" + m.group(1), new Object[] {m.group(2), i});
            } else if ((m = COMPLETE.matcher(rest)).matches()) {
                calls.add(new Call(pid, m.group(1), m.group(2), m.group(3), i, i));
            }
        }
        calls.sort((a, b) -> Integer.compare(a.start(), b.start()));
        return calls;
    }

    static boolean isWrite(Call c) {
        return c.name().equals("write") || c.name().equals("pwrite64") || c.name().equals("sendto")
                || c.name().equals("writev") || c.name().equals("sendmsg");
    }

    static boolean isForce(Call c) {
        return c.name().equals("fsync") || c.name().equals("fdatasync");
    }

    /** Checks a trace of a process whose log directory is {@code logDir} (as the kernel names it). */
    static Result check(List<String> lines, String logDir) {
        List<Call> calls = parse(lines);
        List<String> order = new ArrayList<>();
        List<String> directory = new ArrayList<>();

        // first commit message per transaction
        Map<String, Call> firstCommit = new LinkedHashMap<>();
        Map<String, Object[]> request = new HashMap<>(); // socket -> {path, the write that began the request}
        for (Call c : calls) {
            if (isWrite(c) && c.fdPath().startsWith("socket:")) {
                httpCommits(c, request, firstCommit);
                Matcher m = COMMIT.matcher(c.args());
                while (m.find()) {
                    firstCommit.putIfAbsent(m.group(1), c);
                }
                Matcher pg = COMMIT_PREPARED.matcher(c.args());
                while (pg.find()) {
                    firstCommit.putIfAbsent(gtridOfPgjdbcGid(pg.group(1)), c);
                }
            }
        }
        // segment creations: openat with O_CREAT, or a rename onto a segment name
        Map<String, Integer> created = new LinkedHashMap<>();
        for (Call c : calls) {
            if (c.name().equals("openat") && c.args().contains("O_CREAT") && c.ok()) {
                String path = firstQuoted(c.args());
                if (SEGMENT.matcher(path).matches()) {
                    created.putIfAbsent(path, c.end());
                }
            } else if (c.name().startsWith("rename") && c.ok()) {
                List<String> q = quoted(c.args());
                if (!q.isEmpty() && SEGMENT.matcher(q.get(q.size() - 1)).matches()) {
                    created.putIfAbsent(q.get(q.size() - 1), c.end());
                }
            }
        }
        Map<String, Integer> firstDecisionIn = new HashMap<>();
        Set<String> segmentsUsed = new LinkedHashSet<>();
        for (Map.Entry<String, Call> e : firstCommit.entrySet()) {
            String tx = e.getKey();
            Call commit = e.getValue();
            Call decision = null;
            for (Call c : calls) {
                if (c.start() >= commit.start()) {
                    break;
                }
                if (isWrite(c) && SEGMENT.matcher(c.fdPath()).matches() && c.args().contains(tx + "\\")) {
                    decision = c;
                    break;
                }
            }
            if (decision == null) {
                order.add(tx + ": COMMIT sent (trace line " + (commit.start() + 1) + ") with no DECISION written to a"
                        + " segment before it");
                continue;
            }
            String segment = decision.fdPath();
            segmentsUsed.add(segment);
            firstDecisionIn.merge(segment, decision.start(), Math::min);
            boolean forced = false;
            for (Call c : calls) {
                if (isForce(c) && c.fdPath().equals(segment) && c.start() > decision.end() && c.end() < commit.start()
                        && c.result().startsWith("0")) {
                    forced = true;
                    break;
                }
            }
            if (!forced) {
                order.add(tx + ": COMMIT sent (trace line " + (commit.start() + 1) + ") before any completed fsync of "
                        + segment + " after its DECISION write (line " + (decision.start() + 1) + ")");
            }
        }
        for (String segment : segmentsUsed) {
            Integer made = created.get(segment);
            if (made == null) {
                directory.add(segment + ": its creation is not in the trace");
                continue;
            }
            int firstUse = firstDecisionIn.get(segment);
            boolean forced = false;
            for (Call c : calls) {
                if (isForce(c) && c.fdPath().equals(logDir) && c.start() > made && c.end() < firstUse
                        && c.result().startsWith("0")) {
                    forced = true;
                    break;
                }
            }
            if (!forced) {
                directory.add(segment + ": created at trace line " + (made + 1) + ", first DECISION written at line "
                        + (firstUse + 1) + " with no completed fsync of the directory " + logDir + " between");
            }
        }
        return new Result(firstCommit.size(), segmentsUsed.size(), order, directory);
    }

    /**
     * An HTTP participant's commit: a {@code POST .../commit HTTP/1.1} request written to a socket whose JSON body
     * names {@code "transactionId"}; headers and body may be one write or several on the same socket, and the
     * request counts from the write that began it.
     */
    private static void httpCommits(Call c, Map<String, Object[]> request, Map<String, Call> firstCommit) {
        String socket = c.fdPath();
        Matcher rq = HTTP_REQUEST.matcher(c.args());
        Matcher tx = HTTP_TX.matcher(c.args());
        int from = 0;
        while (true) {
            boolean hasRq = rq.find(from);
            int rqAt = hasRq ? rq.start() : Integer.MAX_VALUE;
            boolean hasTx = tx.find(from);
            int txAt = hasTx ? tx.start() : Integer.MAX_VALUE;
            if (!hasRq && !hasTx) {
                return;
            }
            if (rqAt < txAt) {
                request.put(socket, new Object[] {rq.group(2), c});
                from = rq.end();
            } else {
                Object[] r = request.remove(socket);
                if (r != null && ((String) r[0]).endsWith("/commit")) {
                    firstCommit.putIfAbsent(tx.group(1), (Call) r[1]);
                }
                from = tx.end();
            }
        }
    }

    static String gtridOfPgjdbcGid(String gid) {
        String[] parts = gid.split("_", -1);
        try {
            return new String(java.util.Base64.getDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException e) {
            return gid;
        }
    }

    private static String firstQuoted(String args) {
        List<String> q = quoted(args);
        return q.isEmpty() ? "" : q.get(0);
    }

    private static List<String> quoted(String args) {
        List<String> out = new ArrayList<>();
        Matcher m = QUOTED.matcher(args);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
