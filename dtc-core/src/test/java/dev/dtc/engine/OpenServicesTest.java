package dev.dtc.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.ConfigurationException;
import dev.dtc.TransactionService;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM's open services by node name: what an integration instantiated by class name (a Hibernate JtaPlatform)
 * looks its service up in. A service is listed from build() until close(), and a refused build lists nothing.
 */
class OpenServicesTest {

    @TempDir
    Path dir;

    private TransactionService.Builder service(String node) {
        return TransactionService.builder().nodeName(node).logDirectory(dir.resolve(node)).recoveryInterval(Duration.ZERO)
                .logSegmentBytes(1024 * 1024);
    }

    @Test
    void aServiceIsOpenFromBuildUntilClose() {
        assertThat(TransactionService.open("open-a")).isEmpty();
        TransactionService a = service("open-a").build();
        try (TransactionService b = service("open-b").build()) {
            assertThat(TransactionService.open("open-a")).containsSame(a);
            assertThat(TransactionService.open("open-b")).containsSame(b);
            assertThat(TransactionService.allOpen()).contains(a, b);
            a.close();
            assertThat(TransactionService.open("open-a")).isEmpty();
            assertThat(TransactionService.allOpen()).contains(b).doesNotContain(a);
            a.close(); // twice is harmless and does not unlist anything else
            assertThat(TransactionService.open("open-b")).containsSame(b);
        }
        assertThat(TransactionService.open("open-b")).isEmpty();
        assertThat(TransactionService.open(null)).isEmpty();
    }

    @Test
    void aRefusedSecondServiceDoesNotReplaceTheOpenOne() {
        try (TransactionService first = service("open-twin").build()) {
            assertThatThrownBy(() -> TransactionService.builder().nodeName("open-twin").logDirectory(dir.resolve("other"))
                    .build()).isInstanceOf(ConfigurationException.class);
            assertThat(TransactionService.open("open-twin")).containsSame(first);
        }
        assertThat(TransactionService.open("open-twin")).isEmpty();
    }
}
