package dev.dtc.campaign.scaleout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dtc.campaign.CoordinatorCalls;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The invariants of one round, on every transaction the clients posted: all or nothing across the two databases
 * (one row per database, keyed by the client's key, naming the transaction id); told COMMITTED means committed in
 * both; told ROLLED_BACK or refused means committed in neither; both rows name the same transaction, the one the
 * client was told; and every survivor's {@code GET /v1/transactions/{id}} agrees with the databases (COMMITTED iff
 * the rows are there), so no two coordinators answer a transaction both ways.
 */
final class Verdicts {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the check found: the violations, and counts for the log. */
    record Result(List<String> violations, int committed, int rolledBack, int refused, int noAnswer,
                  int noAnswerCommitted, int asked) {
    }

    private Verdicts() {
    }

    /**
     * @param rowsA     key to transaction id, from the PostgreSQL participant's table
     * @param rowsB     the same from the MySQL/MariaDB participant's
     * @param survivors the coordinators to ask about each transaction
     */
    static Result check(String where, List<Load.Tx> txs, Map<String, String> rowsA, Map<String, String> rowsB,
                        List<CoordinatorCalls> survivors) throws InterruptedException {
        List<String> found = new ArrayList<>();
        Map<String, String> ids = new ConcurrentHashMap<>(); // transaction id to the rows' verdict, for the GETs
        int committed = 0;
        int rolledBack = 0;
        int refused = 0;
        int noAnswer = 0;
        int noAnswerCommitted = 0;
        Set<String> keys = new HashSet<>();
        for (Load.Tx tx : txs) {
            keys.add(tx.key);
            boolean inA = rowsA.containsKey(tx.key);
            boolean inB = rowsB.containsKey(tx.key);
            String id = tx.id != null ? tx.id : inA ? rowsA.get(tx.key) : rowsB.get(tx.key);
            String what = where + " key " + tx.key + " tx " + id + " (asked coordinator " + (tx.coordinator + 1)
                    + "): told " + tx.told + tx.detail + ", row in PostgreSQL " + inA + ", in MariaDB " + inB;
            switch (tx.told) {
                case "COMMITTED" -> committed++;
                case "ROLLED_BACK" -> rolledBack++;
                case "REFUSED" -> refused++;
                default -> {
                    noAnswer++;
                    noAnswerCommitted += inA && inB ? 1 : 0;
                }
            }
            if (inA != inB) {
                found.add(what + ": not all or nothing");
            } else if (inA && !rowsA.get(tx.key).equals(rowsB.get(tx.key))) {
                found.add(what + ": the two rows name different transactions (" + rowsA.get(tx.key) + ", "
                        + rowsB.get(tx.key) + ")");
            } else if (tx.told.equals("COMMITTED") && !inA) {
                found.add(what + ": reported committed but not committed everywhere");
            } else if ((tx.told.equals("ROLLED_BACK") || tx.told.equals("REFUSED")) && inA) {
                found.add(what + ": reported " + tx.told + " but committed");
            } else if (tx.id != null && inA && !tx.id.equals(rowsA.get(tx.key))) {
                found.add(what + ": its rows name another transaction " + rowsA.get(tx.key));
            } else if (id != null) {
                ids.put(id, (inA ? "COMMITTED" : "not committed") + "|" + what);
            }
        }
        for (Map<String, String> rows : List.of(rowsA, rowsB)) {
            for (String k : rows.keySet()) {
                if (!keys.contains(k)) {
                    found.add(where + " key " + k + ": a row for a key no client posted");
                }
            }
        }
        found.addAll(askEveryone(ids, survivors));
        return new Result(found, committed, rolledBack, refused, noAnswer, noAnswerCommitted,
                ids.size() * survivors.size());
    }

    /** Every survivor's answer for every transaction, against the databases' verdict; a few at a time. */
    private static List<String> askEveryone(Map<String, String> ids, List<CoordinatorCalls> survivors)
            throws InterruptedException {
        List<String> found = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> asks = new ArrayList<>();
            for (Map.Entry<String, String> e : ids.entrySet()) {
                String id = e.getKey();
                boolean inDatabases = e.getValue().startsWith("COMMITTED|");
                String what = e.getValue().substring(e.getValue().indexOf('|') + 1);
                for (int s = 0; s < survivors.size(); s++) {
                    CoordinatorCalls calls = survivors.get(s);
                    asks.add(pool.submit(() -> {
                        String outcome = outcome(calls, id);
                        if (!outcome.equals("COMMITTED") && !outcome.equals("ROLLED_BACK")) {
                            found.add(what + ": coordinator " + calls.url() + " has no final outcome: " + outcome);
                        } else if (outcome.equals("COMMITTED") != inDatabases) {
                            found.add(what + ": coordinator " + calls.url() + " answers " + outcome
                                    + ", the databases disagree");
                        }
                    }));
                }
            }
            for (Future<?> f : asks) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    found.add("asking a coordinator failed: " + e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return found;
    }

    /**
     * A coordinator's outcome of a transaction: its {@code outcome}, ROLLED_BACK for a 404 that says
     * {@code presumed} (presumed abort), or what went wrong. A 503 (the owner's lease ran out, nobody took it over
     * yet) is asked again, up to 20 times, half a second apart.
     */
    static String outcome(CoordinatorCalls calls, String id) {
        String last = "";
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                HttpResponse<String> r = calls.get("/v1/transactions/" + id);
                JsonNode j = JSON.readTree(r.body());
                if (r.statusCode() == 404 && j.path("presumed").asBoolean(false)) {
                    return "ROLLED_BACK";
                }
                if (r.statusCode() != 503) {
                    return j.path("outcome").asText("HTTP " + r.statusCode() + " " + r.body());
                }
                last = "HTTP 503 " + r.body();
                Thread.sleep(500);
            } catch (IOException e) {
                return "no answer: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return last;
    }
}
