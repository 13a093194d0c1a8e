package dev.dtc.campaign.scaleout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** The takeover times of a fault's rounds, as the summary gives them: {@code min / median / max ms}. */
final class Times {

    private Times() {
    }

    static String describe(List<Long> millis) {
        if (millis.isEmpty()) {
            return "not measured (no round finished)";
        }
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return String.format(Locale.ROOT, "%d / %d / %d ms", sorted.get(0), median,
                sorted.get(sorted.size() - 1));
    }
}
