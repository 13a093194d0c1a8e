package dev.dtc.internal.xid;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.transaction.xa.Xid;

/**
 * dtc's Xid: a fixed format id, a global transaction id that names the node and the transaction,
 * and a branch qualifier per enlisted resource. Both ids are printable ASCII so that an operator
 * reading {@code pg_prepared_xacts} or {@code XA RECOVER} can tell whose branch it is.
 *
 * <p>Equality is by value (format id, gtrid, bqual), as for any Xid a resource hands back from
 * {@code recover()}: use {@link #of(Xid)} to compare a foreign Xid with ours.
 */
public final class DtcXid implements Xid {

    /** "dtc1" in ASCII: the format id of every Xid dtc creates. */
    public static final int FORMAT_ID = 0x64746331;

    private final int formatId;
    private final byte[] gtrid;
    private final byte[] bqual;
    private final int hash;

    public DtcXid(int formatId, byte[] gtrid, byte[] bqual) {
        if (gtrid.length == 0 || gtrid.length > MAXGTRIDSIZE) {
            throw new IllegalArgumentException("gtrid must be 1.." + MAXGTRIDSIZE + " bytes, was " + gtrid.length);
        }
        if (bqual.length > MAXBQUALSIZE) {
            throw new IllegalArgumentException("bqual must be at most " + MAXBQUALSIZE + " bytes, was " + bqual.length);
        }
        this.formatId = formatId;
        this.gtrid = gtrid.clone();
        this.bqual = bqual.clone();
        this.hash = 31 * (31 * formatId + Arrays.hashCode(gtrid)) + Arrays.hashCode(bqual);
    }

    /** A value copy of any Xid, so it can be compared with and hashed like ours. */
    public static DtcXid of(Xid xid) {
        if (xid instanceof DtcXid d) {
            return d;
        }
        return new DtcXid(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
    }

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

    /** The global transaction id as text: dtc's transaction id. */
    public String gtridText() {
        return new String(gtrid, StandardCharsets.ISO_8859_1);
    }

    public String bqualText() {
        return new String(bqual, StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DtcXid x && x.formatId == formatId && Arrays.equals(x.gtrid, gtrid)
                && Arrays.equals(x.bqual, bqual);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return gtridText() + ":" + bqualText();
    }
}
