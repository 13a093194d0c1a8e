package dev.dtc.campaign.bank;

import dev.dtc.campaign.bank.BankDatabases.Move;
import dev.dtc.campaign.bank.BankDatabases.State;
import dev.dtc.campaign.bank.Ledger.Transfer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The bank invariant, checked on what the databases hold after the last recovery against what the clients were
 * told. Two kinds of violation: of the whole bank (total, signs, per-account history) and of single transfers
 * (atomic across the two databases, reported outcomes kept, amounts as asked).
 */
final class BankCheck {

    final List<String> bankViolations = new ArrayList<>();
    final List<String> transferViolations = new ArrayList<>();
    long inFlightCommitted;
    long inFlightRolledBack;
    long unknownCommitted;
    long unknownRolledBack;
    long total;

    BankCheck(long expectedTotal, long initialBalance, Ledger ledger, State pg, State my) {
        total = sum(pg.balances()) + sum(my.balances());
        if (total != expectedTotal) {
            bankViolations.add(String.format(Locale.ROOT, "total balance %d, expected %d (postgres %s, mysql %s)",
                    total, expectedTotal, pg.balances(), my.balances()));
        }
        negative("postgres", pg.balances());
        negative("mysql", my.balances());
        history("postgres", initialBalance, pg);
        history("mysql", initialBalance, my);

        TreeSet<String> ids = new TreeSet<>(pg.history().keySet());
        ids.addAll(my.history().keySet());
        for (String id : ids) {
            Move p = pg.history().get(id);
            Move m = my.history().get(id);
            Transfer t = ledger.transfers.get(id);
            if (t == null) {
                transferViolations.add("history rows for transfer " + id + " that no client began: postgres " + p
                        + ", mysql " + m);
                continue;
            }
            if (p == null || m == null) {
                transferViolations.add("transfer " + t + " is half done: postgres " + p + ", mysql " + m);
                continue;
            }
            if (p.account() != t.pgAccount || p.delta() != t.pgDelta() || m.account() != t.myAccount
                    || m.delta() != -t.pgDelta()) {
                transferViolations.add("transfer " + t + " moved something else: postgres " + p + ", mysql " + m);
            }
            switch (t.outcome) {
                case ROLLED_BACK -> transferViolations.add("transfer " + t + " was reported rolled back but is in both"
                        + " databases");
                case IN_FLIGHT -> inFlightCommitted++;
                case UNKNOWN -> unknownCommitted++;
                default -> {
                    // committed, as reported
                }
            }
        }
        for (Transfer t : ledger.transfers.values()) {
            boolean inPg = pg.history().containsKey(t.id);
            boolean inMy = my.history().containsKey(t.id);
            if (inPg || inMy) {
                continue;
            }
            switch (t.outcome) {
                case COMMITTED -> transferViolations.add("transfer " + t + " was reported committed but is in neither"
                        + " database");
                case IN_FLIGHT -> inFlightRolledBack++;
                case UNKNOWN -> unknownRolledBack++;
                default -> {
                    // rolled back, as reported
                }
            }
        }
        for (String odd : ledger.oddities) {
            transferViolations.add(odd);
        }
    }

    private static long sum(Map<Integer, Long> balances) {
        return balances.values().stream().mapToLong(Long::longValue).sum();
    }

    private void negative(String db, Map<Integer, Long> balances) {
        balances.forEach((account, balance) -> {
            if (balance < 0) {
                bankViolations.add(db + " account " + account + " is negative: " + balance);
            }
        });
    }

    /** Each account's balance must be its opening balance plus the deltas of its history rows. */
    private void history(String db, long initialBalance, State s) {
        Map<Integer, Long> fromHistory = new java.util.TreeMap<>();
        s.balances().keySet().forEach(a -> fromHistory.put(a, initialBalance));
        s.history().values().forEach(m -> fromHistory.merge(m.account(), m.delta(), Long::sum));
        fromHistory.forEach((account, expected) -> {
            Long actual = s.balances().get(account);
            if (actual == null || actual.longValue() != expected) {
                bankViolations.add(db + " account " + account + " holds " + actual + " but its history adds up to "
                        + expected);
            }
        });
    }
}
