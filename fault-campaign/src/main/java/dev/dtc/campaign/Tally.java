package dev.dtc.campaign;

import java.util.List;

/**
 * One row of the summary: a fault point on one face, how often it was hit, and what went wrong.
 *
 * @param part        the part that ran it (hostile, network, log, bank, ...)
 * @param point       the fault point or case, e.g. {@code coordinator: after decision force}
 * @param face        {@code jta}, {@code http one-shot}, {@code http chained}, {@code kit}, {@code log}, ...
 * @param iterations  how many times it was hit
 * @param violations  invariant violations seen (must be 0), each described in {@link #details}
 * @param inDoubtLeft transactions or branches left undecided after recovery (must be 0)
 * @param details     one line per violation or in-doubt item, enough to replay it (with the seed)
 */
public record Tally(String part, String point, String face, long iterations, long violations, long inDoubtLeft,
                    List<String> details) {

    public Tally {
        details = List.copyOf(details);
    }

    public static Tally clean(String part, String point, String face, long iterations) {
        return new Tally(part, point, face, iterations, 0, 0, List.of());
    }

    public boolean passed() {
        return violations == 0 && inDoubtLeft == 0 && iterations > 0;
    }
}
