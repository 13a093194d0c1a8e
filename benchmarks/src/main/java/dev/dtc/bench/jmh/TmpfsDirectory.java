package dev.dtc.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A fresh directory on tmpfs for one trial's decision log, so a force costs no disk and what is measured is the
 * engine. Under {@code /dev/shm} unless the system property {@value #PARENT_PROPERTY} names another parent (give it
 * to the forks with {@code -jvmArgsAppend -Ddtc.jmh.tmpfs=DIR}); deleted with everything in it by {@link #delete}.
 */
final class TmpfsDirectory {

    static final String PARENT_PROPERTY = "dtc.jmh.tmpfs";

    private TmpfsDirectory() {
    }

    static Path create(String prefix) throws IOException {
        Path parent = Path.of(System.getProperty(PARENT_PROPERTY, "/dev/shm"));
        if (!Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw new IOException(parent + " is not a writable directory: these benchmarks keep the decision log on"
                    + " tmpfs there; name another tmpfs directory with -jvmArgsAppend -D" + PARENT_PROPERTY + "=DIR");
        }
        return Files.createTempDirectory(parent, prefix);
    }

    static void delete(Path directory) throws IOException {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            List<Path> deepestFirst = paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList());
            for (Path path : deepestFirst) {
                Files.delete(path);
            }
        }
    }
}
