package dev.dtc.xa;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import javax.transaction.xa.Xid;

/** A plain Xid for tests; unique per call of {@link #random()}, so tests sharing a server never collide. */
final class TestXid implements Xid {

    /** Not dtc's format id: these tests must not look like dtc transactions to anyone's recovery. */
    static final int FORMAT_ID = 0x7e57;

    private final int formatId;
    private final byte[] gtrid;
    private final byte[] bqual;

    TestXid(int formatId, byte[] gtrid, byte[] bqual) {
        this.formatId = formatId;
        this.gtrid = gtrid.clone();
        this.bqual = bqual.clone();
    }

    static TestXid random() {
        return new TestXid(FORMAT_ID, ("test-" + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII),
                "b1".getBytes(StandardCharsets.US_ASCII));
    }

    /** The same transaction, another branch. */
    TestXid branch(String qualifier) {
        return new TestXid(formatId, gtrid, qualifier.getBytes(StandardCharsets.US_ASCII));
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

    /** Equal to any Xid with the same three parts, as drivers' own Xid classes are (recover() returns those). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Xid x && x.getFormatId() == formatId && Arrays.equals(x.getGlobalTransactionId(), gtrid)
                && Arrays.equals(x.getBranchQualifier(), bqual);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * formatId + Arrays.hashCode(gtrid)) + Arrays.hashCode(bqual);
    }

    static boolean same(Xid a, Xid b) {
        return a.getFormatId() == b.getFormatId() && Arrays.equals(a.getGlobalTransactionId(), b.getGlobalTransactionId())
                && Arrays.equals(a.getBranchQualifier(), b.getBranchQualifier());
    }

    @Override
    public String toString() {
        return formatId + ":" + new String(gtrid, StandardCharsets.US_ASCII) + ":" + new String(bqual, StandardCharsets.US_ASCII);
    }
}
