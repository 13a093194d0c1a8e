package dev.dtc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code all} refuses bad options before it measures or creates anything, and says what to fix. */
class AllCommandTest {

    @TempDir
    Path dir;

    private String refused(String... args) {
        StringWriter err = new StringWriter();
        int status = new CommandLine(new BenchmarkMain()).setErr(new PrintWriter(err)).execute(args);
        assertThat(status).as("exit status of %s", String.join(" ", args)).isEqualTo(2);
        return err.toString();
    }

    @Test
    void badOptionsAreRefusedWithWhatToFixAndNothingIsCreated() {
        Path work = dir.resolve("work");
        assertThat(refused("all", "--work-dir", work.toString(), "--jit-warmup", "-1"))
                .contains("--jit-warmup must be at least 0 seconds");
        assertThat(refused("all", "--work-dir", work.toString(), "--threads", "0"))
                .contains("at least 1");
        assertThat(refused("all", "--work-dir", work.toString(), "--server-jar", dir.resolve("none.jar").toString()))
                .contains("no dtc-server jar at").contains("--server-jar");
        assertThat(Files.exists(work)).as("the work directory is not created").isFalse();
    }
}
