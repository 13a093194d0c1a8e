package dev.dtc.log;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Makes directory entries durable. Forcing a file makes its content durable, not its name: after a
 * power loss a new segment (or a new log directory) could vanish although records in it were
 * acknowledged, unless the directory holding the entry is forced too.
 */
final class DirectoryDurability {

    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    private DirectoryDurability() {
    }

    /** Creates the directory and any missing parents, forcing each new entry into its parent. */
    static void createDirectories(Path directory) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = directory.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.push(p);
        }
        Files.createDirectories(directory);
        for (Path created : missing) {
            if (created.getParent() != null) {
                force(created.getParent());
            }
        }
    }

    /** Forces a directory's entries (fsync on the directory). */
    static void force(Path directory) throws IOException {
        if (WINDOWS) {
            return; // A directory cannot be opened as a file there; NTFS journals the entry itself.
        }
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 1; ; attempt++) {
                // A FileChannel closes itself when its thread is interrupted. This one is opened
                // just for the sync, so clear the flag first and retry if an interrupt still lands.
                try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                    dir.force(true);
                    return;
                } catch (ClosedByInterruptException e) {
                    interrupted = true;
                    Thread.interrupted();
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
