package dev.dtc.campaign;

/**
 * How much of each part to run. {@link #CI} fits in a few minutes of {@code ./mvnw verify} on a 2-core machine;
 * {@link #FULL} is the campaign whose table goes into docs/reliability.md.
 */
public enum Size {
    CI,
    FULL;

    /** {@code ci} when this is CI, else {@code full}: a part picks its own numbers for each. */
    public int pick(int ci, int full) {
        return this == CI ? ci : full;
    }
}
