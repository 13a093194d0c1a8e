package dev.dtc.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.ConfigurationException;
import dev.dtc.TransactionService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuilderValidationTest {

    @TempDir
    Path dir;

    @Test
    void missingNodeNameSaysWhatToSet() {
        assertThatThrownBy(() -> TransactionService.builder().logDirectory(dir).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("nodeName is required");
        assertThatThrownBy(() -> TransactionService.builder().nodeName("").logDirectory(dir).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("nodeName is required");
    }

    @Test
    void tooLongOrOddNodeNameIsRefused() {
        assertThatThrownBy(() -> TransactionService.builder().nodeName("n".repeat(33)).logDirectory(dir).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at most 32");
        assertThatThrownBy(() -> TransactionService.builder().nodeName("a/b").logDirectory(dir).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("may only contain");
    }

    @Test
    void logDirectoryIsRequiredAndMustBeWritable() throws Exception {
        assertThatThrownBy(() -> TransactionService.builder().nodeName("n").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("logDirectory is required");
        Path file = Files.createFile(dir.resolve("a-file"));
        assertThatThrownBy(() -> TransactionService.builder().nodeName("n").logDirectory(file).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(file.toString());
    }

    @Test
    void aLockedLogDirectoryIsRefused() {
        try (TransactionService first = TransactionService.builder().nodeName("n").logDirectory(dir)
                .recoveryInterval(Duration.ZERO).build()) {
            // another node name, so that the lock (not the one-name-per-JVM rule) is what refuses it
            assertThatThrownBy(() -> TransactionService.builder().nodeName("m").logDirectory(dir).build())
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining(dir.toString())
                    .hasMessageContaining("locked");
        }
        // released on close: a new service may open it
        TransactionService.builder().nodeName("n").logDirectory(dir).recoveryInterval(Duration.ZERO).build().close();
    }

    @Test
    void timeoutsMustBePositive() {
        assertThatThrownBy(() -> TransactionService.builder().nodeName("n").logDirectory(dir)
                .defaultTimeout(Duration.ZERO).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("defaultTimeout");
        assertThatThrownBy(() -> TransactionService.builder().nodeName("n").logDirectory(dir)
                .defaultTimeout(Duration.ofMillis(10)).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least 1 second");
    }
}
