package dev.dtc.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file {@value #FILE_NAME} that records which node a log directory belongs to. The Xids of a node carry its
 * name, and recovery settles exactly the Xids that carry its own: a log opened under another name would leave
 * its decisions uncommitted (their Xids are "someone else's") and would roll back the prepared branches of the
 * node whose name it took. So the first open records the name, and every later open must give the same one.
 *
 * <p>Read and written only under the directory's lock, so two openers never race on it.
 */
final class NodeIdentity {

    static final String FILE_NAME = "dtc.node";
    private static final String PREFIX = "node=";

    private NodeIdentity() {
    }

    /**
     * Records {@code nodeName} in a directory that has none yet, or checks it against the one recorded.
     *
     * @throws NodeNameMismatchException if the directory belongs to another node
     */
    static void claim(Path dir, String nodeName) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        String recorded = read(file);
        if (recorded == null) {
            write(file, nodeName);
            DirectoryDurability.force(dir);
            return;
        }
        if (!recorded.equals(nodeName)) {
            throw new NodeNameMismatchException(dir, recorded, nodeName);
        }
    }

    /** The node name recorded in a directory, or null if none is (a new directory, or one written before names were recorded). */
    static String read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        String line = text.strip();
        if (!line.startsWith(PREFIX) || line.length() == PREFIX.length() || line.indexOf('\n') >= 0) {
            throw new IOException(file + " does not hold a node name (expected one line \"" + PREFIX + "<name>\", found \""
                    + (line.length() > 80 ? line.substring(0, 80) + "..." : line) + "\"); it records which coordinator"
                    + " this log belongs to: restore it, or write that line with the node name the log was used with");
        }
        return line.substring(PREFIX.length());
    }

    private static void write(Path file, String nodeName) throws IOException {
        byte[] bytes = (PREFIX + nodeName + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }
}
