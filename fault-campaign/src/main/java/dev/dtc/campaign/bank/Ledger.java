package dev.dtc.campaign.bank;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the clients did and were told, read back from the lines the bank processes wrote ({@link JtaBankChild} lists
 * them). A line cut short by a kill is ignored: its event did not happen as far as any client knows.
 */
final class Ledger {

    enum Outcome {
        /** reported committed to the client */
        COMMITTED,
        /** reported rolled back to the client */
        ROLLED_BACK,
        /** the client was told something that is neither (a heuristic or system error) */
        UNKNOWN,
        /** in flight when its process was killed: reported to nobody */
        IN_FLIGHT
    }

    static final class Transfer {
        final String id;
        final boolean pgToMy;
        final int pgAccount;
        final int myAccount;
        final long amount;
        Outcome outcome = Outcome.IN_FLIGHT;
        String reason = "";

        Transfer(String id, boolean pgToMy, int pgAccount, int myAccount, long amount) {
            this.id = id;
            this.pgToMy = pgToMy;
            this.pgAccount = pgAccount;
            this.myAccount = myAccount;
            this.amount = amount;
        }

        long pgDelta() {
            return pgToMy ? -amount : amount;
        }

        @Override
        public String toString() {
            return id + " (" + (pgToMy ? "pg#" + pgAccount + " -> my#" + myAccount : "my#" + myAccount + " -> pg#"
                    + pgAccount) + ", " + amount + ", " + outcome + (reason.isEmpty() ? "" : " " + reason) + ")";
        }
    }

    final Map<String, Transfer> transfers = new LinkedHashMap<>();
    /** lines that name a transfer never begun, or are otherwise not understood */
    final List<String> oddities = new java.util.ArrayList<>();

    /** Reads one process's output; {@code text} may end in a line cut short by a kill. */
    void read(String source, String text) {
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return;
        }
        for (String line : text.substring(0, end).split("\n")) {
            try {
                readLine(source, line);
            } catch (RuntimeException e) {
                oddities.add(source + ": a line not understood (" + e + "): " + line);
            }
        }
    }

    private void readLine(String source, String line) {
        String[] f = line.split(" ", 3);
        switch (f[0]) {
            case "S" -> {
                String[] s = line.split(" ");
                Transfer t = new Transfer(s[1], "pg2my".equals(s[2]), Integer.parseInt(s[3]),
                        Integer.parseInt(s[4]), Long.parseLong(s[5]));
                if (transfers.putIfAbsent(t.id, t) != null) {
                    oddities.add(source + ": transfer id " + t.id + " begun twice");
                }
            }
            case "C", "R", "U" -> {
                Transfer t = transfers.get(f[1]);
                if (t == null) {
                    oddities.add(source + ": outcome for a transfer never begun: " + line);
                } else if (t.outcome != Outcome.IN_FLIGHT) {
                    oddities.add(source + ": second outcome for " + t.id + ": " + line);
                } else {
                    t.outcome = switch (f[0]) {
                        case "C" -> Outcome.COMMITTED;
                        case "R" -> Outcome.ROLLED_BACK;
                        default -> Outcome.UNKNOWN;
                    };
                    t.reason = f.length > 2 ? f[2] : "";
                }
            }
            default -> {
                // READY, RECOVERED and such: not about a transfer
            }
        }
    }

    long count(Outcome o) {
        return transfers.values().stream().filter(t -> t.outcome == o).count();
    }
}
