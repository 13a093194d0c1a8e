package dev.dtc.campaign.bank;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A JVM of its own for a bank process (on this JVM's class path), with stdout and stderr in files, so it can die. */
final class ChildJvm {

    final Process process;
    final Path out;
    final Path err;

    private ChildJvm(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static ChildJvm start(Class<?> main, Path out, Path err, List<String> args) throws IOException {
        return start(main.getName(), out, err, args);
    }

    static ChildJvm start(String main, Path out, Path err, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // small and quick to start: the machine is shared
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main);
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        return new ChildJvm(p, out, err);
    }

    String out() {
        return read(out);
    }

    /** The end of stderr, for a message. */
    String errTail() {
        String s = read(err);
        return s.length() <= 2000 ? s : "..." + s.substring(s.length() - 2000);
    }

    /** Waits until a complete line of stdout matches, or the process ends, or the time is up. */
    boolean awaitLine(Predicate<String> line, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String s = out();
            int end = s.lastIndexOf('\n');
            if (end >= 0 && s.substring(0, end).lines().anyMatch(line)) {
                return true;
            }
            if (!process.isAlive()) {
                return false;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** kill -9, and wait until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private static String read(Path p) {
        try {
            // not readString: a kill may cut a character in half
            return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + p + ": " + e + ")";
        }
    }
}
