package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad shared-store options are refused at start (exit 2) with what to fix, before anything is created. */
class StoreOptionsTest {

    @TempDir
    Path dir;

    private String refusal(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(ServerMain.run(args)).as(String.join(" ", args)).isEqualTo(2);
        } finally {
            System.setErr(err);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachBadStoreOptionIsRefusedWithWhatToFixAndNothingIsCreated() {
        Path data = dir.resolve("data");
        assertThat(refusal("--node-name", "n1", "--store", "mysql://h/d", "--data-dir", data.toString()))
                .contains("does not start with postgresql://").contains("postgresql://USER");
        assertThat(refusal("--node-name", "n1", "--store", "postgresql://u:hunter2@h")).contains("names no database")
                .doesNotContain("hunter2");
        assertThat(refusal("--node-name", "n1", "--data-dir", data.toString(), "--advertised-url", "http://a:1"))
                .contains("--advertised-url is for coordinators that share a --store");
        assertThat(refusal("--node-name", "n1", "--store", "postgresql://h/d", "--advertised-url", "http://a:1/x"))
                .contains("--advertised-url must be http://HOST:PORT");
        assertThat(refusal("--node-name", "n1", "--store", "postgresql://h/d", "--lease-ttl", "500ms"))
                .contains("--lease-ttl must be at least 1s");
        assertThat(refusal("--node-name", "n1")).contains("give --data-dir DIR").contains("--store postgresql://");
        assertThat(Files.exists(data)).as("nothing was created").isFalse();
    }
}
