package dev.dtc.internal.tm;

import dev.dtc.NamedXAResource;
import dev.dtc.internal.audit.Audit;
import dev.dtc.audit.EventType;
import dev.dtc.internal.recovery.RecoveryManager;
import dev.dtc.internal.xid.XidFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XA branches of one transaction and the association of each resource with its branch: which flags
 * {@code start} and {@code end} get, when a resource joins, resumes or gets a branch of its own. Not
 * thread-safe: its {@link DtcTransaction} calls it under its lock, after checking that the transaction accepts
 * the call.
 */
final class Enlistment {
    private static final Logger LOG = LoggerFactory.getLogger(Enlistment.class);

    private final String txId;
    private final XidFactory xids;
    private final Audit audit;
    private final List<XaBranch> branches = new ArrayList<>(4);

    Enlistment(String txId, XidFactory xids, Audit audit) {
        this.txId = txId;
        this.xids = xids;
        this.audit = audit;
    }

    /**
     * Starts work of {@code resource} in the transaction: a new branch for a resource object not yet enlisted,
     * else a resume or join of its own branch.
     *
     * @return false if the resource's branch failed and can take no more work
     * @throws XAException              from {@code start}
     * @throws IllegalArgumentException if the resource names itself with a name recovery would refuse
     */
    boolean enlist(XAResource resource) throws XAException {
        XaBranch existing = find(resource);
        if (existing != null) {
            switch (existing.association()) {
                case ACTIVE:
                    return true;
                case SUSPENDED:
                    existing.start(XAResource.TMRESUME);
                    return true;
                case ENDED:
                    // Same resource object, same connection: joining its own branch works everywhere. (Joining
                    // across connections does not on MySQL/MariaDB, which is why a different object always gets
                    // a branch of its own.)
                    existing.start(XAResource.TMJOIN);
                    return true;
                case FAILED:
                default:
                    return false;
            }
        }
        String name = "";
        if (resource instanceof NamedXAResource named) {
            name = named.resourceName();
            RecoveryManager.checkName(name);
        }
        XaBranch b = new XaBranch(resource, xids.branch(txId, branches.size() + 1), name);
        b.start(XAResource.TMNOFLAGS);
        branches.add(b);
        if (audit.listening(EventType.ENLIST)) { // a resource's toString may cost: pooled ones name their database
            audit.emit(EventType.ENLIST, txId, b.xid(), String.valueOf(resource));
        }
        return true;
    }

    /**
     * Ends the association of {@code resource} with its branch.
     *
     * @return false if the resource is not enlisted, or not associated in a way {@code flag} can end
     * @throws XAException from {@code end}
     */
    boolean delist(XAResource resource, int flag) throws XAException {
        XaBranch b = find(resource);
        if (b == null) {
            return false; // not enlisted here: the javadoc reserves IllegalStateException for an inactive transaction
        }
        if (b.association() != XaBranch.Association.ACTIVE
                && !(b.association() == XaBranch.Association.SUSPENDED && flag != XAResource.TMSUSPEND)) {
            return false;
        }
        b.end(flag);
        audit.emit(EventType.DELIST, txId, b.xid(), flag == XAResource.TMSUCCESS ? "TMSUCCESS"
                : flag == XAResource.TMFAIL ? "TMFAIL" : "TMSUSPEND");
        return true;
    }

    /**
     * Before completion: ends every branch still associated with TMSUCCESS.
     *
     * @param failed told each {@code end} that failed
     * @return false if a branch can only roll back: its {@code end} failed, or it had failed already (delisted
     *         with TMFAIL, or a failed start or end)
     */
    boolean endForCompletion(Consumer<XAException> failed) {
        boolean ok = true;
        for (XaBranch b : branches) {
            XaBranch.Association a = b.association();
            if (a == XaBranch.Association.ACTIVE || a == XaBranch.Association.SUSPENDED) {
                try {
                    b.end(XAResource.TMSUCCESS);
                } catch (XAException e) {
                    audit.emit(EventType.VOTE_ABORT, txId, b.xid(), "end failed: XA code " + e.errorCode);
                    failed.accept(e);
                    ok = false;
                }
            } else if (a == XaBranch.Association.FAILED) {
                ok = false;
            }
        }
        return ok;
    }

    /** Before a rollback: ends the branches still associated; a failure changes nothing, since rollback follows. */
    void endBeforeRollback() {
        for (XaBranch b : branches) {
            if (b.association() == XaBranch.Association.ACTIVE || b.association() == XaBranch.Association.SUSPENDED) {
                try {
                    b.end(XAResource.TMSUCCESS);
                } catch (XAException e) {
                    LOG.debug("end before rollback of {} failed: {}", b, e.errorCode);
                }
            }
        }
    }

    List<XaBranch> branches() {
        return List.copyOf(branches);
    }

    private XaBranch find(XAResource resource) {
        for (XaBranch b : branches) {
            if (b.resource() == resource) {
                return b;
            }
        }
        return null;
    }
}
