package dev.dtc.demo;

/** The demo's exit statuses (listed in {@code --help}). */
final class ExitStatus {

    static final int OK = 0;
    static final int ROLLED_BACK = 1;
    static final int USAGE = 2;
    static final int IN_DOUBT = 3;
    static final int FAILED = 4;

    private ExitStatus() {
    }
}
