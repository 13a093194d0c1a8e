package dev.dtc.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.transaction.xa.Xid;

/**
 * The Xid {@code db-xa-by-hand} makes for each transaction (one global id, one branch qualifier per database), as a
 * transaction manager would; also the key by which the database check tells prepared branches apart.
 */
record BenchXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {

    /** "dtcb" */
    static final int FORMAT_ID = 0x64746362;

    static BenchXid of(String globalId, String branch) {
        return new BenchXid(FORMAT_ID, globalId.getBytes(StandardCharsets.US_ASCII),
                branch.getBytes(StandardCharsets.US_ASCII));
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

    /** Any Xid's identity as text: format id, global id and branch qualifier in hex. */
    static String key(Xid xid) {
        return xid.getFormatId() + ":" + hex(xid.getGlobalTransactionId()) + ":" + hex(xid.getBranchQualifier());
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BenchXid x && x.formatId == formatId && Arrays.equals(x.gtrid, gtrid)
                && Arrays.equals(x.bqual, bqual);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * formatId + Arrays.hashCode(gtrid)) + Arrays.hashCode(bqual);
    }

    @Override
    public String toString() {
        return new String(gtrid, StandardCharsets.US_ASCII) + "/" + new String(bqual, StandardCharsets.US_ASCII);
    }
}
