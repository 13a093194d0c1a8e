package dev.dtc.log;

import java.nio.file.Paths;

/**
 * Run in a child JVM by {@link ProcessKillTest} and killed at a random moment. Prints each
 * operation after it returned: "D i" once the decision is durable, "E i" once the END was handed to
 * the log. The END waits for the next forced append to carry it, so once a "D" line follows an "E"
 * line that END is in the file, which survives a process kill.
 */
public final class CrashingAppender {

    private CrashingAppender() {
    }

    public static void main(String[] args) throws Exception {
        String prefix = args[1];
        try (DecisionLog log = DecisionLog.open(Paths.get(args[0]), TestLogs.SMALL_SEGMENTS)) {
            for (int i = 0; ; i++) {
                log.appendForced(TestLogs.decision(prefix + i));
                System.out.println("D " + i);
                if (i >= ProcessKillTest.END_LAG) {
                    log.append(LogRecord.end(prefix + (i - ProcessKillTest.END_LAG)));
                    System.out.println("E " + (i - ProcessKillTest.END_LAG));
                }
                System.out.flush();
            }
        }
    }
}
