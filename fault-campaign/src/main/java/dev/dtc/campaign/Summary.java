package dev.dtc.campaign;

import java.util.List;
import java.util.Locale;

/** The campaign's report: one Markdown table, fault point x face, and the verdict. */
public final class Summary {

    private Summary() {
    }

    public static String table(List<Tally> tallies) {
        StringBuilder b = new StringBuilder();
        b.append("| part | fault point | face | iterations | violations | in doubt left |\n");
        b.append("|---|---|---|---:|---:|---:|\n");
        for (Tally t : tallies) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %d | %d |%n", t.part(), t.point(), t.face(),
                    t.iterations(), t.violations(), t.inDoubtLeft()));
        }
        long iterations = tallies.stream().mapToLong(Tally::iterations).sum();
        long violations = tallies.stream().mapToLong(Tally::violations).sum();
        long inDoubt = tallies.stream().mapToLong(Tally::inDoubtLeft).sum();
        long empty = tallies.stream().filter(t -> t.iterations() == 0).count();
        b.append(String.format(Locale.ROOT, "%nTotal: %,d iterations, %d violations, %d in doubt left%s: %s%n",
                iterations, violations, inDoubt, empty == 0 ? "" : ", " + empty + " row(s) that hit nothing",
                passed(tallies) ? "PASSED" : "FAILED"));
        for (Tally t : tallies) {
            for (String d : t.details()) {
                b.append("- ").append(t.part()).append(" / ").append(t.point()).append(" / ").append(t.face())
                        .append(": ").append(d).append('\n');
            }
        }
        return b.toString();
    }

    public static boolean passed(List<Tally> tallies) {
        return !tallies.isEmpty() && tallies.stream().allMatch(Tally::passed);
    }
}
