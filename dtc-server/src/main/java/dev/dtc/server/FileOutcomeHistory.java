package dev.dtc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcomes of finished transactions, kept for the retention period so that {@code GET /v1/transactions/{id}}
 * answers truthfully after the decision log has forgotten them (a decision leaves the log once every participant
 * has acknowledged it), and the idempotency keys of accepted requests.
 *
 * <p>Files {@code outcomes-YYYY-MM-DD.jsonl} in the data directory, one JSON object per line: {@code {"id":...,
 * "answer": {...}}} for an outcome, {@code {"key":..., "hash":..., "id":...}} for an accepted idempotency key.
 * One writer thread appends what is queued and forces the file once per batch (group commit, as the decision
 * log does), so concurrent transactions share the cost of a force. Two kinds of entries wait for their force:
 * a committed outcome, which must be on disk before the decision's END record (else a crash in between would
 * leave the client a "presumed rolled back" answer for a committed transaction), and an idempotency key, which
 * must be on disk before the transaction's first prepare. The others (rolled-back outcomes: without them the
 * answer is still the truth, presumed abort) are written without waiting.
 *
 * <p>In memory: an index from id and from key to the line's place, about 100 bytes per retained transaction.
 * Files older than the retention period are deleted whole.
 */
final class FileOutcomeHistory implements OutcomeHistory {
    private static final Logger LOG = LoggerFactory.getLogger(FileOutcomeHistory.class);
    private static final String PREFIX = "outcomes-";
    private static final String SUFFIX = ".jsonl";

    /** Where one line lies. */
    private record Place(LocalDate day, long offset, int length) {
    }

    private record Pending(byte[] line, String id, String key, CompletableFuture<Void> done) {
    }

    private final Path dir;
    private final ObjectMapper json;
    private final Duration retention;
    private final Clock clock;
    private final Map<String, Place> byId = new ConcurrentHashMap<>();
    private final Map<String, Accepted> keys = new ConcurrentHashMap<>();
    private final Map<String, LocalDate> keyDay = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;
    // writer thread only
    private LocalDate day;
    private FileChannel channel;

    FileOutcomeHistory(Path dir, ObjectMapper json, Duration retention, Clock clock) throws IOException {
        this.dir = dir;
        this.json = json;
        this.retention = retention;
        this.clock = clock;
        Files.createDirectories(dir);
        load();
        this.writer = new Thread(this::writeLoop, "dtc-outcome-history");
        writer.setDaemon(true);
        writer.start();
    }

    private void load() throws IOException {
        for (Path f : files()) {
            LocalDate d = dayOf(f);
            if (expired(d)) {
                continue;
            }
            byte[] all = Files.readAllBytes(f);
            int start = 0;
            while (start < all.length) {
                int nl = indexOf(all, (byte) '\n', start);
                if (nl < 0) {
                    // a torn last line: its writer was never told it was durable, so nobody relied on it
                    LOG.warn("{}: dropping a torn last line at offset {} ({} bytes)", f, start, all.length - start);
                    try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        c.truncate(start);
                        c.force(true);
                    }
                    break;
                }
                JsonNode line;
                try {
                    line = json.readTree(all, start, nl - start);
                } catch (IOException e) {
                    line = null;
                }
                if (line == null || !line.isObject() || !line.hasNonNull("id")) {
                    throw new IOException(f + " is damaged at offset " + start + ": the line there is not an outcome"
                            + " record. The file keeps the outcomes of finished transactions; restore it from a"
                            + " backup, or move it away to lose those outcomes (clients asking about them will be"
                            + " told the transaction is unknown)");
                }
                String id = line.get("id").asText();
                if (line.has("key")) {
                    keys.put(line.get("key").asText(), new Accepted(line.path("hash").asText(), id));
                    keyDay.put(line.get("key").asText(), d);
                } else {
                    byId.put(id, new Place(d, start, nl - start));
                }
                start = nl + 1;
            }
        }
    }

    /** Appends a finished transaction's answer; the future completes once it is on disk. */
    @Override
    public CompletableFuture<Void> record(String id, ObjectNode answer) {
        ObjectNode line = json.createObjectNode();
        line.put("id", id);
        line.set("answer", answer);
        return enqueue(line, id, null);
    }

    /**
     * Appends an idempotency key {@link #claim claimed} for a transaction that is starting; the future completes
     * once it is on disk.
     */
    @Override
    public CompletableFuture<Void> accept(String key, String hash, String id) {
        keyDay.put(key, LocalDate.now(clock.withZone(ZoneOffset.UTC)));
        ObjectNode line = json.createObjectNode();
        line.put("key", key);
        line.put("hash", hash);
        line.put("id", id);
        return enqueue(line, id, key);
    }

    /** Claims a key for a new transaction, unless another request holds it already. */
    @Override
    public Accepted claim(String key, String hash, String id) {
        return keys.putIfAbsent(key, new Accepted(hash, id));
    }

    /** Gives a key back that was claimed and never accepted (the request was refused before anything started). */
    @Override
    public void release(String key, String id) {
        keys.computeIfPresent(key, (k, a) -> a.id().equals(id) ? null : a);
    }

    private CompletableFuture<Void> enqueue(ObjectNode line, String id, String key) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IOException("the outcome history is closed"));
            return done;
        }
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(line);
        } catch (IOException e) {
            done.completeExceptionally(e);
            return done;
        }
        queue.add(new Pending(bytes, id, key, done));
        return done;
    }

    /** The answer recorded for a finished transaction, or null if none is kept (never, or past retention). */
    @Override
    public ObjectNode answer(String id) {
        Place p = byId.get(id);
        if (p == null || expired(p.day())) {
            return null;
        }
        try (RandomAccessFile f = new RandomAccessFile(file(p.day()).toFile(), "r")) {
            byte[] b = new byte[p.length()];
            f.seek(p.offset());
            f.readFully(b);
            JsonNode line = json.readTree(b);
            return line.get("answer") instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            LOG.warn("cannot read the outcome of {} from {}", id, file(p.day()), e);
            return null;
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                writeBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (IOException | RuntimeException e) {
                LOG.error("could not write {} outcome record(s) to {}", batch.size(), dir, e);
                for (Pending p : batch) {
                    p.done().completeExceptionally(e);
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void writeBatch(List<Pending> batch) throws IOException {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        if (!today.equals(day) || channel == null) {
            if (channel != null) {
                channel.close();
            }
            channel = FileChannel.open(file(today), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            day = today;
            prune();
        }
        int total = 0;
        for (Pending p : batch) {
            total += p.line().length + 1;
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        long offset = channel.size();
        List<Place> places = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            places.add(new Place(today, offset + buf.position(), p.line().length));
            buf.put(p.line()).put((byte) '\n');
        }
        buf.flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        channel.force(false);
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            if (p.key() == null) {
                byId.put(p.id(), places.get(i));
            }
            p.done().complete(null);
        }
    }

    /** Deletes whole files past the retention period, with their index entries. */
    private void prune() {
        try {
            for (Path f : files()) {
                LocalDate d = dayOf(f);
                if (expired(d)) {
                    Files.deleteIfExists(f);
                    LOG.info("deleted {}: its outcomes are past the retention period of {}", f, retention);
                }
            }
            byId.values().removeIf(p -> expired(p.day()));
            keyDay.entrySet().removeIf(e -> {
                if (expired(e.getValue())) {
                    keys.remove(e.getKey());
                    return true;
                }
                return false;
            });
        } catch (IOException e) {
            LOG.warn("could not prune old outcome files in {}", dir, e);
        }
    }

    /** A day's file is past retention once the whole day is: its last line was written before now - retention. */
    private boolean expired(LocalDate d) {
        Instant endOfDay = d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        return endOfDay.plus(retention).isBefore(clock.instant());
    }

    private List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            s.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    private Path file(LocalDate d) {
        return dir.resolve(PREFIX + d + SUFFIX);
    }

    private static LocalDate dayOf(Path f) {
        String n = f.getFileName().toString();
        return LocalDate.parse(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
    }

    private static int indexOf(byte[] b, byte v, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        closed = true; // the writer finishes what is queued, then stops (not interrupted: that would close the file)
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.warn("closing the outcome history failed", e);
        }
    }
}
