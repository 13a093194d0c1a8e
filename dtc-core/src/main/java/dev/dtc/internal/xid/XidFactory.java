package dev.dtc.internal.xid;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.transaction.xa.Xid;

/**
 * Makes the Xids of one node. The global transaction id is {@code <node>/<boot>/<counter>}:
 * <ul>
 *   <li>{@code node} — the node name, so recovery leaves other nodes' branches alone;</li>
 *   <li>{@code boot} — this process's start time in milliseconds (base 36), so ids stay unique
 *       across restarts without writing a counter to disk, and recovery can tell a branch left
 *       by an earlier process (certainly not in flight) from one of this process;</li>
 *   <li>{@code counter} — a per-process sequence (base 36).</li>
 * </ul>
 * The branch qualifier is the 1-based index of the branch in its transaction. Everything is
 * ASCII and at most 64 bytes, as X/Open XA requires.
 *
 * <p>The HTTP face puts ids in URL paths, where '/' would split them, so it takes
 * {@link #newUrlSafeTransactionId()}: the same three parts joined by '~' (an unreserved URL character that no
 * node name contains). Both forms are this node's, and share one counter.
 */
public final class XidFactory {

    /** Node names are short, printable and contain no '/': they are the first part of every gtrid. */
    public static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    private final String nodeName;
    private final String prefix;
    private final String urlSafePrefix;
    private final String boot;
    private final String bootPrefix;
    private final String urlSafeBootPrefix;
    private final AtomicLong counter = new AtomicLong();

    public XidFactory(String nodeName, long bootMillis) {
        if (nodeName == null || !NODE_NAME.matcher(nodeName).matches()) {
            throw new IllegalArgumentException("node name must be 1 to 32 characters of A-Z a-z 0-9 . _ -, was: " + nodeName);
        }
        this.nodeName = nodeName;
        this.prefix = nodeName + "/";
        this.boot = Long.toString(bootMillis, 36);
        this.bootPrefix = prefix + boot + "/";
        this.urlSafePrefix = nodeName + "~";
        this.urlSafeBootPrefix = urlSafePrefix + boot + "~";
    }

    public String nodeName() {
        return nodeName;
    }

    /** A new, unique global transaction id. */
    public String newTransactionId() {
        return bootPrefix + Long.toString(counter.incrementAndGet(), 36);
    }

    /** A new, unique global transaction id that needs no escaping in a URL path: {@code <node>~<boot>~<counter>}. */
    public String newUrlSafeTransactionId() {
        return urlSafeBootPrefix + Long.toString(counter.incrementAndGet(), 36);
    }

    /** The Xid of branch {@code index} (1-based) of transaction {@code txId}. */
    public DtcXid branch(String txId, int index) {
        return new DtcXid(DtcXid.FORMAT_ID, txId.getBytes(StandardCharsets.ISO_8859_1),
                Integer.toString(index).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** True if the Xid was made by dtc for this node (by this or an earlier process). */
    public boolean isOurs(Xid xid) {
        if (xid.getFormatId() != DtcXid.FORMAT_ID) {
            return false;
        }
        String gtrid = DtcXid.of(xid).gtridText();
        return gtrid.startsWith(prefix) || gtrid.startsWith(urlSafePrefix);
    }

    /** True if the Xid was made by this very process (it may be in flight). */
    public boolean isThisProcess(Xid xid) {
        if (xid.getFormatId() != DtcXid.FORMAT_ID) {
            return false;
        }
        String gtrid = DtcXid.of(xid).gtridText();
        return gtrid.startsWith(bootPrefix) || gtrid.startsWith(urlSafeBootPrefix);
    }
}
