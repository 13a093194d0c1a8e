package dev.dtc.participant;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The Xid of this participant's branch of a transaction: the kit's own format id, the transaction id as the global
 * transaction id and the participant's name as the branch qualifier. Both parts are printable ASCII, so
 * {@code pg_prepared_xacts} and {@code XA RECOVER} show an operator whose branch it is, and recovery can tell its
 * own branches from those of other transaction managers (another format id) and of other participants sharing the
 * database server (another qualifier).
 */
final class BranchXid implements Xid {

    /** "dtpp": distinct from dtc's in-process transaction manager ("dtc1") and from other TMs. */
    static final int FORMAT_ID = 0x64747070;

    private final byte[] gtrid;
    private final byte[] bqual;

    private BranchXid(byte[] gtrid, byte[] bqual) {
        this.gtrid = gtrid;
        this.bqual = bqual;
    }

    /** @param transactionId a valid id (ASCII), @param participant a valid participant name (ASCII) */
    static BranchXid of(String transactionId, String participant) {
        return new BranchXid(transactionId.getBytes(StandardCharsets.US_ASCII),
                participant.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether a recovered Xid is a branch of this kit for the named participant. */
    static boolean belongsTo(Xid xid, String participant) {
        return xid.getFormatId() == FORMAT_ID
                && Arrays.equals(xid.getBranchQualifier(), participant.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The ids of the transactions in which the named participant has a branch prepared in the database, as the
     * resource's {@code recover} lists them (one full scan: MySQL's Connector/J lists nothing without TMSTARTRSCAN).
     */
    static Set<String> preparedIn(XAResource resource, String participant) throws XAException {
        Set<String> ids = new LinkedHashSet<>();
        Xid[] xids = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        for (Xid xid : xids == null ? new Xid[0] : xids) {
            if (belongsTo(xid, participant)) {
                ids.add(transactionId(xid));
            }
        }
        return ids;
    }

    /** The transaction id of one of our Xids. */
    static String transactionId(Xid xid) {
        return new String(xid.getGlobalTransactionId(), StandardCharsets.US_ASCII);
    }

    @Override
    public int getFormatId() {
        return FORMAT_ID;
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
    public boolean equals(Object o) {
        return o instanceof Xid x && x.getFormatId() == FORMAT_ID
                && Arrays.equals(gtrid, x.getGlobalTransactionId()) && Arrays.equals(bqual, x.getBranchQualifier());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(gtrid) * 31 + Arrays.hashCode(bqual);
    }

    @Override
    public String toString() {
        return Integer.toHexString(FORMAT_ID) + ":" + new String(gtrid, StandardCharsets.US_ASCII) + ":"
                + new String(bqual, StandardCharsets.US_ASCII);
    }
}
