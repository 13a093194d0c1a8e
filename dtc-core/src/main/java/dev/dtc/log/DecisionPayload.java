package dev.dtc.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.transaction.xa.Xid;

/**
 * The payload of a DECISION record: the branches that voted commit, each with the name of the resource it lives
 * in, so that recovery knows what to commit after a crash and which resource's scan may declare each branch
 * finished. docs/log-format.md ("DECISION payload") describes the same layout for people.
 *
 * <pre>
 * version 2 (written)                         version 1 (read: decisions of releases before resource names)
 *  1  version (2)                               1  version (1)
 *  2  n = branch count, unsigned                2  n = branch count, unsigned
 *  n times:                                     n times:
 *    4  format id                                 4  format id
 *    1  g = gtrid length, then g bytes            1  g, then g bytes of gtrid
 *    1  q = bqual length, then q bytes            1  q, then q bytes of bqual
 *    2  r = resource name length (UTF-8 bytes), unsigned, then r bytes; 0 = not named
 * </pre>
 * All integers are big-endian. A branch of a version 1 payload has no resource name (read as "").
 */
public final class DecisionPayload {

    /**
     * One branch of a decided transaction. Two branches are equal when their Xids have the same format id, global
     * transaction id and branch qualifier, whatever Xid class carries them.
     */
    public record Branch(Xid xid, String resourceName) {
        public Branch {
            if (xid == null || resourceName == null) {
                throw new IllegalArgumentException("a decided branch needs an Xid and a resource name (\"\" if unnamed)");
            }
        }

        /** True if the resource was not named when the branch was enlisted (or the record predates names). */
        public boolean unnamed() {
            return resourceName.isEmpty();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Branch b && resourceName.equals(b.resourceName) && xid.getFormatId() == b.xid.getFormatId()
                    && Arrays.equals(xid.getGlobalTransactionId(), b.xid.getGlobalTransactionId())
                    && Arrays.equals(xid.getBranchQualifier(), b.xid.getBranchQualifier());
        }

        @Override
        public int hashCode() {
            return Objects.hash(xid.getFormatId(), Arrays.hashCode(xid.getGlobalTransactionId()),
                    Arrays.hashCode(xid.getBranchQualifier()), resourceName);
        }

        @Override
        public String toString() {
            return xid + (unnamed() ? " (unnamed resource)" : " @" + resourceName);
        }
    }

    /** An Xid as read from a payload; shown as {@code gtrid:bqual}, as dtc's own Xids are. */
    private record StoredXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {
        @Override
        public int getFormatId() {
            return formatId;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return gtrid.clone();
        }

        @Override
        public byte[] getBranchQualifier() {
            return bqual.clone();
        }

        @Override
        public String toString() {
            return new String(gtrid, StandardCharsets.ISO_8859_1) + ":" + new String(bqual, StandardCharsets.ISO_8859_1);
        }
    }

    static final byte VERSION = 2;
    static final byte VERSION_WITHOUT_NAMES = 1;
    /** Resource names are stored with a two-byte length. */
    public static final int MAX_RESOURCE_NAME_BYTES = 0xFFFF;

    private DecisionPayload() {
    }

    public static byte[] encode(List<Branch> branches) {
        int n = branches.size();
        if (n > 0xFFFF) {
            throw new IllegalArgumentException(n + " branches in one decision; at most " + 0xFFFF);
        }
        // getGlobalTransactionId/getBranchQualifier copy their arrays: take each copy once (this runs on every
        // commit decision)
        byte[][] parts = new byte[3 * n][];
        int size = 3;
        for (int i = 0; i < n; i++) {
            Branch b = branches.get(i);
            parts[3 * i] = b.xid().getGlobalTransactionId();
            parts[3 * i + 1] = b.xid().getBranchQualifier();
            parts[3 * i + 2] = b.resourceName().getBytes(StandardCharsets.UTF_8);
            if (parts[3 * i + 2].length > MAX_RESOURCE_NAME_BYTES) {
                throw new IllegalArgumentException("resource name of " + b.xid() + " is " + parts[3 * i + 2].length
                        + " bytes long; at most " + MAX_RESOURCE_NAME_BYTES);
            }
            size += 4 + 1 + parts[3 * i].length + 1 + parts[3 * i + 1].length + 2 + parts[3 * i + 2].length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.put(VERSION).putShort((short) n);
        for (int i = 0; i < n; i++) {
            byte[] g = parts[3 * i];
            byte[] q = parts[3 * i + 1];
            byte[] r = parts[3 * i + 2];
            buf.putInt(branches.get(i).xid().getFormatId()).put((byte) g.length).put(g).put((byte) q.length).put(q)
                    .putShort((short) r.length).put(r);
        }
        return buf.array();
    }

    /**
     * @throws IllegalArgumentException if the payload is not a DECISION payload of a version this release reads,
     *                                  or is cut short; the message says which
     */
    public static List<Branch> decode(byte[] payload) {
        ByteBuffer buf = ByteBuffer.wrap(payload);
        try {
            byte version = buf.get();
            if (version != VERSION && version != VERSION_WITHOUT_NAMES) {
                throw new IllegalArgumentException("DECISION payload version " + version + ", but this dtc reads versions "
                        + VERSION_WITHOUT_NAMES + " and " + VERSION + ": the record was written by a newer release");
            }
            int n = Short.toUnsignedInt(buf.getShort());
            List<Branch> branches = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int format = buf.getInt();
                byte[] g = new byte[Byte.toUnsignedInt(buf.get())];
                buf.get(g);
                byte[] q = new byte[Byte.toUnsignedInt(buf.get())];
                buf.get(q);
                String name = "";
                if (version == VERSION) {
                    byte[] r = new byte[Short.toUnsignedInt(buf.getShort())];
                    buf.get(r);
                    name = new String(r, StandardCharsets.UTF_8);
                }
                branches.add(new Branch(new StoredXid(format, g, q), name));
            }
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException("DECISION payload has " + buf.remaining() + " bytes after its "
                        + n + " branches");
            }
            return branches;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("DECISION payload of " + payload.length + " bytes is cut short", e);
        }
    }
}
