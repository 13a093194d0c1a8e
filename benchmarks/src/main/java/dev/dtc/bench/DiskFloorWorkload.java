package dev.dtc.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code floor-disk}: the least a durable commit decision can cost on this disk. Each "transaction" is one
 * 256-byte append to a file followed by {@code FileChannel.force(false)} (fdatasync), the same write and force
 * as {@link DiskProbe}'s "append + force"; no coordinator, no resource. Each client thread appends to a file of
 * its own under the run's log directory, rolled over to a fresh file (the full one deleted) every 64 MiB, so
 * every write stays an append that grows the file, as the probe's does.
 *
 * <p>It is meaningful at one thread: with several, each forces its own file, which is not what a log does.
 * The check: the bytes the files grew by (their sizes, read from the file system) equal 256 per committed
 * transaction.
 */
final class DiskFloorWorkload implements Workload {

    static final int RECORD = 256;
    static final long ROLL_OVER_BYTES = 64L << 20;

    private final Path directory;
    private final long rollOverBytes;
    private final AtomicLong fileCount = new AtomicLong();
    /** Bytes of the files rolled over or closed in this point. */
    private final AtomicLong bytesAppended = new AtomicLong();
    /** The files being appended to in this point. */
    private final List<Appender> open = new CopyOnWriteArrayList<>();

    DiskFloorWorkload(Path directory) {
        this(directory, ROLL_OVER_BYTES);
    }

    /** @param rollOverBytes a file's size at which the next append goes to a fresh file (tests use a small one) */
    DiskFloorWorkload(Path directory, long rollOverBytes) {
        this.directory = directory;
        this.rollOverBytes = rollOverBytes;
    }

    @Override
    public String describe() {
        return "one 256-byte append + FileChannel.force(false) per transaction, a file per client thread under "
                + directory + ", a new file every " + (rollOverBytes >> 20) + " MiB";
    }

    @Override
    public void beforePoint() {
        bytesAppended.set(0);
        open.clear();
    }

    @Override
    public Client newClient(int index) throws IOException {
        Appender appender = new Appender();
        open.add(appender);
        return appender;
    }

    /** Counts what the files really hold: their sizes as the file system reports them. */
    @Override
    public boolean check(String configuration, int threads, long committedOverall, long failedOverall)
            throws IOException {
        long grown = bytesAppended.get();
        for (Appender appender : open) {
            grown += appender.size();
        }
        long expected = RECORD * committedOverall;
        boolean ok = failedOverall == 0 && grown == expected;
        System.err.println("[" + configuration + "] " + threads + " threads: " + committedOverall
                + " committed overall (warm-up included), the files grew by " + grown + " bytes"
                + (ok ? " — one forced 256-byte append per transaction confirmed" : " — MISMATCH: expected " + expected));
        return ok;
    }

    @Override
    public void close() {
    }

    /** One thread's file. */
    private final class Appender implements Client {
        private final ByteBuffer record = ByteBuffer.allocateDirect(RECORD);
        private Path file;
        private FileChannel channel;
        private long position;

        Appender() throws IOException {
            open();
        }

        private void open() throws IOException {
            file = directory.resolve("floor-disk-" + fileCount.incrementAndGet());
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            position = 0;
        }

        @Override
        public void transaction() throws IOException {
            if (position + RECORD > rollOverBytes) {
                rollOver();
            }
            record.clear();
            record.putLong(0, System.nanoTime());
            while (record.hasRemaining()) {
                position += channel.write(record, position);
            }
            channel.force(false);
        }

        long size() throws IOException {
            return channel.size();
        }

        private void rollOver() throws IOException {
            close();
            open();
        }

        /** Counts what the file holds (its size, from the file system) among the rolled-over bytes, then deletes it. */
        @Override
        public void close() throws IOException {
            long size = channel.size();
            channel.close();
            bytesAppended.addAndGet(size);
            Files.delete(file);
        }
    }
}
