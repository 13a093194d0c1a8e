package dev.dtc.internal.fault;

import java.util.Locale;

/**
 * FOR TESTS ONLY: deliberate crashes inside the engine, for the fault campaign's crash matrix. Off by default; on
 * only when the JVM is started with the system property {@code dtc.test.fault} naming one point:
 * <ul>
 *   <li>{@code halt-during-roll}: the decision log is rolling to a new segment; the new segment's file exists and
 *       part of its header and carried records is written, not forced, the checkpoint not at all;</li>
 *   <li>{@code halt-during-cleanup}: the new segment is durable (checkpoint and directory entry forced); the
 *       superseded segments are not deleted yet;</li>
 *   <li>{@code halt-during-recovery}: a recovery pass committed one branch of a decided transaction and is about to
 *       commit the next one.</li>
 * </ul>
 * The property is read once, when the engine first asks. At the point the process halts
 * ({@code Runtime.halt}: no shutdown hooks, no flushing, as a power cut or {@code kill -9} would leave it) after a
 * line on stderr. Never set it in production: the process dies at the first occasion.
 */
public enum TestFault {
    NONE,
    HALT_DURING_ROLL,
    HALT_DURING_CLEANUP,
    HALT_DURING_RECOVERY;

    /** The system property that names the point. */
    public static final String PROPERTY = "dtc.test.fault";

    /**
     * Read when first asked, not when the constants are first named: a launcher (dtc-server's {@code --test-fault})
     * may name a constant and then set the property before the engine starts.
     */
    private static final class Active {
        static final TestFault VALUE = parse(System.getProperty(PROPERTY));
    }

    /** The point named by {@code dtc.test.fault}, read once. */
    public static TestFault active() {
        return Active.VALUE;
    }

    /** True if this point is the one switched on. */
    public boolean on() {
        return this != NONE && Active.VALUE == this;
    }

    static TestFault parse(String s) {
        if (s == null || s.isBlank()) {
            return NONE;
        }
        try {
            TestFault f = valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            if (f != NONE) {
                System.err.println("dtc: FOR TESTS ONLY: -D" + PROPERTY + "=" + f.label()
                        + " is set: this process will halt at that point");
            }
            return f;
        } catch (IllegalArgumentException e) {
            // a misspelt switch must not silently test nothing
            throw new IllegalArgumentException("-D" + PROPERTY + " must be halt-during-roll, halt-during-cleanup"
                    + " or halt-during-recovery, was: " + s);
        }
    }

    /** The name as it is spelt in the property. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Halts the JVM, saying where. */
    public void halt(String where) {
        System.err.println("dtc: -D" + PROPERTY + "=" + label() + ": halting " + where);
        System.err.flush();
        Runtime.getRuntime().halt(137);
    }
}
