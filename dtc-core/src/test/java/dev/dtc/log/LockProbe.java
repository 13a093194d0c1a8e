package dev.dtc.log;

import java.nio.file.Paths;

/** Run in a child JVM by {@link LockFileTest}: tries to open a log directory ("try") or opens and holds it ("hold"). */
public final class LockProbe {

    static final int LOCKED = 3;

    private LockProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (DecisionLog log = DecisionLog.open(Paths.get(args[0]), LogConfig.defaults())) {
            System.out.println("opened with " + log.pendingAtOpen().size() + " pending");
            System.out.flush();
            if (args[1].equals("hold")) {
                Thread.sleep(600_000);
            }
        } catch (LogLockedException e) {
            System.out.println(e.getMessage());
            System.out.flush();
            System.exit(LOCKED);
        }
    }
}
