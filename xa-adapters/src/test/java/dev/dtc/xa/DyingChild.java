package dev.dtc.xa;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a crash test's child JVM (same class path) until it dies: it either halts by itself after
 * printing {@code DYING …}, or prints {@code KILL-ME …} and is killed here with SIGKILL. A child
 * that prints {@code SURVIVED} or exits normally fails the test.
 */
final class DyingChild {
    private DyingChild() {
    }

    static void run(Class<?> mainClass, List<String> args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        List<String> output = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                output.add(line);
                if (line.startsWith("KILL-ME")) {
                    p.destroyForcibly(); // SIGKILL on Linux
                    break;
                }
            }
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child ended; output: %s", output).isTrue();
        assertThat(output).as("child output").noneMatch(l -> l.startsWith("SURVIVED"));
        assertThat(output).as("child output").anyMatch(l -> l.startsWith("DYING") || l.startsWith("KILL-ME"));
        assertThat(p.exitValue()).as("child died abnormally; output: %s", output).isNotZero();
    }
}
