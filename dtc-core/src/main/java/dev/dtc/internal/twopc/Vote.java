package dev.dtc.internal.twopc;

/** A branch's answer to prepare. An abort vote is an exception, so it carries its reason. */
public enum Vote {
    COMMIT,
    READ_ONLY
}
