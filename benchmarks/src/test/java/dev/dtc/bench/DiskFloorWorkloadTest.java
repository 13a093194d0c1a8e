package dev.dtc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** floor-disk for half a second on a temporary directory: counted appends, files rolled over, nothing left. */
class DiskFloorWorkloadTest {

    @TempDir
    Path directory;

    @Test
    void everyCountedTransactionIsOneAppendEvenAcrossRollOvers() throws Exception {
        // 16 records per file, so the run rolls over many times
        try (Workload workload = new DiskFloorWorkload(directory, 16 * DiskFloorWorkload.RECORD)) {
            PointResult point = new LoadRunner(workload, Duration.ofMillis(100), Duration.ofMillis(400))
                    .run("floor-disk", 1);

            assertThat(point.committed()).isGreaterThan(16);
            assertThat(point.failed()).isZero();
            assertThat(point.checked()).isTrue();
        }
        try (Stream<Path> left = Files.list(directory)) {
            assertThat(left).isEmpty();
        }
    }
}
