package dev.dtc.log;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock file {@value #FILE_NAME} that keeps two coordinators off one log directory.
 *
 * <p>The OS lock ({@link FileChannel#tryLock()}, fcntl on Linux) excludes other processes and is
 * released by the OS when the holder dies, so a crash never leaves a stale lock behind. Within one
 * JVM it does not help: Java reports {@link OverlappingFileLockException}, and worse, on POSIX
 * systems closing <em>any</em> descriptor of the file drops the process's lock. So a second open in
 * the same JVM must be refused before it touches the file: that is what the JVM-wide set below is
 * for (deliberately static: the OS lock it mirrors belongs to the whole process).
 *
 * <p>The file stays in place after close (deleting a lock file races with the next opener); its
 * content only tells an operator who holds it.
 */
final class DirectoryLock implements Closeable {

    static final String FILE_NAME = "dtc.lock";

    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private DirectoryLock(Path directory, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.channel = channel;
        this.lock = lock;
    }

    /** @param directory an existing directory */
    static DirectoryLock acquire(Path directory) throws IOException {
        Path dir = directory.toRealPath();
        if (!HELD_IN_THIS_JVM.add(dir)) {
            throw new LogLockedException(dir, "it is already open in this JVM (by another DecisionLog or"
                    + " TransactionService); close that one first");
        }
        FileChannel channel = null;
        try {
            channel = openLockFile(dir);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new LogLockedException(dir, "its lock file " + FILE_NAME + " is held by another DecisionLog in"
                        + " this JVM (loaded by another class loader)");
            }
            if (lock == null) {
                throw new LogLockedException(dir, "another process holds its lock file " + FILE_NAME
                        + holderDescription(channel));
            }
            recordHolder(channel);
            return new DirectoryLock(dir, channel, lock);
        } catch (IOException | RuntimeException e) {
            HELD_IN_THIS_JVM.remove(dir);
            if (channel != null) {
                closeAfterFailure(channel, e);
            }
            throw e;
        }
    }

    private static FileChannel openLockFile(Path dir) throws IOException {
        try {
            return FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("cannot create the lock file " + dir.resolve(FILE_NAME) + " (" + e
                    + "); the decision log directory must be writable by this process", e);
        }
    }

    private static String holderDescription(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(200);
            channel.read(buf, 0);
            String holder = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
            return holder.isEmpty() ? "" : " (it records: " + holder + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static void recordHolder(FileChannel channel) throws IOException {
        String holder = "pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n";
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
    }

    private static void closeAfterFailure(FileChannel channel, Exception primary) {
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    Path directory() {
        return directory;
    }

    @Override
    public void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        try {
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                HELD_IN_THIS_JVM.remove(directory);
            }
        }
    }
}
