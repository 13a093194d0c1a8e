package dev.dtc.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file whole and durably: the new content is written to a temporary file beside it and forced,
 * renamed over the old file, and the directory forced, so a crash leaves the old content or the new, never a
 * mix. For the coordinator's small state files (the registry, the fencing tokens' high-water mark).
 */
final class AtomicFile {

    private AtomicFile() {
    }

    static void replace(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, content);
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true); // the rename itself must be durable
        } catch (IOException ignored) {
            // a file system that cannot open a directory for reading makes the rename as durable as it can
        }
    }
}
