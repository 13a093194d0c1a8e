package dev.dtc.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fencing tokens: one strictly increasing sequence for every lock of this coordinator, durable across restarts
 * (a token handed out is never handed out again, even after {@code kill -9}). One sequence serves all locks: a
 * token that increases for every grant increases for every grant of each lock.
 *
 * <p>The durable part is a high-water mark in {@code DATA_DIR/fencing.json}: tokens up to it may have been
 * handed out. It is raised {@value #BLOCK} at a time, written and forced before any token of the new block is
 * used, so one force serves {@value #BLOCK} grants; a restart continues above the mark, leaving a gap, never a
 * repeat.
 */
final class FencingTokens {
    static final long BLOCK = 10_000;

    private final Path file;
    private final ObjectMapper json;
    private final ReentrantLock lock = new ReentrantLock();
    private long last;       // the last token handed out
    private long highWater;  // durable: no token above it has been handed out

    FencingTokens(Path dataDir, ObjectMapper json) throws IOException {
        this.file = dataDir.resolve("fencing.json");
        this.json = json;
        if (Files.exists(file)) {
            try {
                highWater = json.readTree(file.toFile()).path("highWater").asLong(-1);
            } catch (IOException e) {
                throw new IOException(file + " cannot be read (" + e.getMessage() + "): it holds the high-water mark"
                        + " of the locks' fencing tokens. Restore it; if it is lost, write {\"highWater\": N} with N"
                        + " above every token ever handed out", e);
            }
            if (highWater < 0) {
                throw new IOException(file + " has no \"highWater\": restore it, or write {\"highWater\": N} with N"
                        + " above every token ever handed out");
            }
        }
        last = highWater;
    }

    /** The next token; forces a new high-water mark first when the block is used up. */
    long next() throws IOException {
        lock.lock();
        try {
            if (last == highWater) {
                write(highWater + BLOCK);
                highWater += BLOCK;
            }
            return ++last;
        } finally {
            lock.unlock();
        }
    }

    private void write(long mark) throws IOException {
        ObjectNode o = json.createObjectNode();
        o.put("highWater", mark);
        AtomicFile.replace(file, json.writeValueAsBytes(o));
    }
}
