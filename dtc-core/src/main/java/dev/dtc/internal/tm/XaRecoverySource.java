package dev.dtc.internal.tm;

import dev.dtc.internal.recovery.RecoverySource;
import dev.dtc.internal.twopc.Branch;
import dev.dtc.internal.xid.DtcXid;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * Recovery through XA: each pass takes an XAResource from the registered supplier (which may open a fresh
 * connection, and should when the old one may be dead), lists its prepared branches with
 * {@code recover(TMSTARTRSCAN | TMENDRSCAN)} and finishes branches on that same resource.
 */
final class XaRecoverySource implements RecoverySource {

    private final String name;
    private final Supplier<XAResource> resources;

    XaRecoverySource(String name, Supplier<XAResource> resources) {
        this.name = name;
        this.resources = resources;
    }

    @Override
    public Scan open() throws XAException {
        XAResource resource = resources.get();
        if (resource == null) {
            throw new XAException("the supplier registered for recovery resource '" + name + "' returned null");
        }
        return new Scan() {
            @Override
            public List<DtcXid> inDoubt() throws XAException {
                // both flags: one complete scan (pgjdbc returns Xids only with TMSTARTRSCAN)
                Xid[] found = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
                List<DtcXid> out = new ArrayList<>(found == null ? 0 : found.length);
                if (found != null) {
                    for (Xid x : found) {
                        out.add(DtcXid.of(x));
                    }
                }
                return out;
            }

            @Override
            public Branch branch(DtcXid xid) {
                return new XaBranch(resource, xid, name);
            }
        };
    }

    @Override
    public String toString() {
        return "XaRecoverySource[" + name + "]";
    }
}
