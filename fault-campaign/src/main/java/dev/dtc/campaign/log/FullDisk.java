package dev.dtc.campaign.log;

import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import dev.dtc.log.DecisionLog;
import dev.dtc.log.LogConfig;
import dev.dtc.log.LogRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * §4, a full disk while forcing: the log lives on a 2 MiB tmpfs that a filler file nearly fills; decisions (every
 * fifth left pending, the others ended as the engine does) are appended until an append fails. Checks: the failure
 * says clearly that the decision log failed and why; no append that returned normally is lost and no decision that
 * was never appended appears after a restart; after the filler is removed, the log (restarted if it stopped) works.
 */
final class FullDisk {

    private final Path work;

    FullDisk(Path work) {
        this.work = work;
    }

    Tally run(Size size, long seed, PrintStream log) throws Exception {
        String point = "full disk (2 MiB tmpfs) while forcing";
        Path mnt = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "dtc-fulldisk-");
        String mountError = exec("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt.toString());
        if (mountError != null) {
            Files.deleteIfExists(mnt);
            log.println("log-damage: full disk skipped: cannot mount a tmpfs: " + mountError);
            return new Tally(LogDamagePart.NAME, point, "log", 0, 0, 0,
                    List.of("skipped: cannot mount a 2 MiB tmpfs (" + mountError + "); run as root"));
        }
        List<String> details = new ArrayList<>();
        long iterations = 0;
        try {
            int rounds = size.pick(2, 6);
            for (int round = 0; round < rounds; round++) {
                iterations += round(mnt.resolve("log-" + round), mnt, 100 * 1024 + round * 12 * 1024, details, log);
                LogDamagePart.deleteTree(mnt.resolve("log-" + round));
            }
        } finally {
            String umount = exec("umount", mnt.toString());
            if (umount != null) {
                log.println("log-damage: umount " + mnt + " failed: " + umount);
            } else {
                Files.deleteIfExists(mnt);
            }
        }
        return new Tally(LogDamagePart.NAME, point, "log", iterations, details.size(), 0, details);
    }

    private long round(Path dir, Path mnt, long headroom, List<String> details, PrintStream log) throws IOException {
        Path filler = mnt.resolve("filler");
        FileStore fs = Files.getFileStore(mnt);
        long fill = Math.max(0, fs.getUsableSpace() - headroom);
        try (RandomAccessFile raf = new RandomAccessFile(filler.toFile(), "rw")) {
            byte[] chunk = new byte[8192];
            for (long done = 0; done < fill; done += chunk.length) {
                raf.write(chunk, 0, (int) Math.min(chunk.length, fill - done));
            }
        }
        Set<String> acknowledgedPending = new HashSet<>();
        Set<String> attempted = new HashSet<>();
        long tries = 0;
        IOException firstFailure = null;
        DecisionLog l = DecisionLog.open(dir, LogDamagePart.CONFIG);
        try {
            for (int i = 0; i < 20_000 && firstFailure == null; i++) {
                String tx = "node-f/1/" + i;
                tries++;
                attempted.add(tx);
                try {
                    l.appendForced(LogRecord.decision(tx, new byte[200]));
                } catch (IOException e) {
                    firstFailure = e;
                    break;
                }
                if (i % 5 == 0) {
                    acknowledgedPending.add(tx);
                } else {
                    try {
                        l.append(LogRecord.end(tx));
                    } catch (IOException e) {
                        firstFailure = e;
                    }
                }
            }
            if (firstFailure == null) {
                details.add("the disk never filled: " + tries + " appends with " + headroom + " bytes free");
                return tries;
            }
            String why = chain(firstFailure);
            if (!why.contains("decision log") || !why.contains("No space left")) {
                details.add("the failure does not say the decision log failed for lack of space: " + why);
            }
            log.println("log-damage: full disk after " + tries + " appends: " + firstFailure.getMessage());
            // still full: a further append must fail, or if it returns it is durable (checked after the restart)
            String more = "node-f/2/0";
            attempted.add(more);
            tries++;
            try {
                l.appendForced(LogRecord.decision(more, new byte[200]));
                acknowledgedPending.add(more);
            } catch (IOException e) {
                if (!chain(e).contains("decision log")) {
                    details.add("a later append failed without a clear message: " + chain(e));
                }
            }
            Files.delete(filler);
            String freed = "node-f/3/0";
            attempted.add(freed);
            tries++;
            try {
                l.appendForced(LogRecord.decision(freed, new byte[200]));
                acknowledgedPending.add(freed);
                log.println("log-damage: full disk: after freeing space the open log accepts appends again");
            } catch (IOException e) {
                log.println("log-damage: full disk: after freeing space the open log still refuses (restart needed): "
                        + e.getMessage());
                if (!chain(e).contains("decision log")) {
                    details.add("after freeing space, an append failed without a clear message: " + chain(e));
                }
            }
        } finally {
            try {
                l.close();
            } catch (IOException e) {
                log.println("log-damage: full disk: close after the failure: " + e.getMessage());
            }
            Files.deleteIfExists(filler);
        }
        try (DecisionLog again = DecisionLog.open(dir, LogDamagePart.CONFIG)) {
            Set<String> pending = again.pendingAtOpen().keySet();
            for (String tx : acknowledgedPending) {
                if (!pending.contains(tx)) {
                    details.add("acknowledged decision " + tx + " lost after the disk filled and the log restarted");
                }
            }
            for (String tx : pending) {
                if (!attempted.contains(tx)) {
                    details.add("restart found a decision never appended: " + tx);
                }
            }
            again.appendForced(LogRecord.decision("node-f/4/0", new byte[200]));
        } catch (IOException e) {
            details.add("after freeing space the log does not restart and append: " + chain(e));
        }
        try (DecisionLog again = DecisionLog.open(dir, LogDamagePart.CONFIG)) {
            if (!again.pendingAtOpen().containsKey("node-f/4/0")) {
                details.add("a decision appended after the restart was lost");
            }
        }
        return tries;
    }

    static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append(" / ");
        }
        return b.toString();
    }

    /** Runs a command; null if it succeeded, else what it said. */
    static String exec(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }
}
