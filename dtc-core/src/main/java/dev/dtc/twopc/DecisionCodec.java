package dev.dtc.twopc;

import dev.dtc.xid.DtcXid;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of a DECISION record: the Xids of the branches that voted commit, so recovery
 * knows what to commit after a crash. Layout (big-endian): version byte (1), branch count
 * (unsigned short), then per branch: format id (int), gtrid length (byte) and bytes, bqual
 * length (byte) and bytes. See docs/log-format.md.
 */
public final class DecisionCodec {
    private static final byte VERSION = 1;

    private DecisionCodec() {
    }

    public static byte[] encode(List<DtcXid> xids) {
        // getGlobalTransactionId/getBranchQualifier copy their arrays: take each copy once
        // (this runs on every commit decision)
        int n = xids.size();
        byte[][] parts = new byte[2 * n][];
        int size = 3;
        for (int i = 0; i < n; i++) {
            parts[2 * i] = xids.get(i).getGlobalTransactionId();
            parts[2 * i + 1] = xids.get(i).getBranchQualifier();
            size += 4 + 1 + parts[2 * i].length + 1 + parts[2 * i + 1].length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(VERSION).putShort((short) n);
        for (int i = 0; i < n; i++) {
            byte[] g = parts[2 * i];
            byte[] q = parts[2 * i + 1];
            b.putInt(xids.get(i).getFormatId()).put((byte) g.length).put(g).put((byte) q.length).put(q);
        }
        return b.array();
    }

    public static List<DtcXid> decode(byte[] payload) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        byte version = b.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown decision payload version " + version);
        }
        int n = Short.toUnsignedInt(b.getShort());
        List<DtcXid> xids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int format = b.getInt();
            byte[] g = new byte[Byte.toUnsignedInt(b.get())];
            b.get(g);
            byte[] q = new byte[Byte.toUnsignedInt(b.get())];
            b.get(q);
            xids.add(new DtcXid(format, g, q));
        }
        return xids;
    }
}
