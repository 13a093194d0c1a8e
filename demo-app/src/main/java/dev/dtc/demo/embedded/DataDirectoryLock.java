package dev.dtc.demo.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One demo command at a time per data directory. The embedded servers, their data and the decision log belong to
 * the command that holds this lock; so when a command holds it, a server still running on that data was certainly
 * left by a command that died, and may be stopped (see {@link LeftoverServer}).
 *
 * <p>An OS file lock: the kernel releases it when the process dies, however it dies, so a crashed command never
 * leaves the directory locked.
 */
public final class DataDirectoryLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws IllegalStateException if another process holds the lock (the message says what to do)
     */
    public static DataDirectoryLock acquire(Path dataDirectory) {
        Path file = dataDirectory.resolve("demo.lock");
        try {
            Files.createDirectories(dataDirectory);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("another dtc-demo command is using " + dataDirectory
                        + "; wait for it to finish, or give this one its own --data-dir");
            }
            return new DataDirectoryLock(channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the demo data directory " + dataDirectory + ": " + e.getMessage()
                    + "; choose a writable --data-dir", e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the process is ending or the directory vanished; the kernel drops the lock with the file
        }
    }
}
