package dev.dtc.differential;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.transaction.xa.Xid;

/**
 * Renames Xids by order of first appearance: "tx1/b2" is the second branch seen of the first
 * global transaction seen. Two managers choose different format ids and byte layouts, but if
 * they call the same resources in the same way the names come out the same.
 *
 * <p>Names depend on the order in which Xids first appear. Branches first appear in
 * {@code start}, which the application thread calls during enlistment, so the numbering is
 * deterministic even when later phases run in parallel.
 */
final class XidNames {

    private final Map<Key, Integer> globals = new HashMap<>();
    private final Map<Key, Map<Key, Integer>> branches = new HashMap<>();

    synchronized String name(Xid xid) {
        if (xid == null) {
            return "null";
        }
        Key global = new Key(xid.getGlobalTransactionId());
        int tx = globals.computeIfAbsent(global, k -> globals.size() + 1);
        Map<Key, Integer> ofTx = branches.computeIfAbsent(global, k -> new HashMap<>());
        int branch = ofTx.computeIfAbsent(new Key(xid.getBranchQualifier()), k -> ofTx.size() + 1);
        return "tx" + tx + "/b" + branch;
    }

    /** Byte arrays as map keys, by content. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
