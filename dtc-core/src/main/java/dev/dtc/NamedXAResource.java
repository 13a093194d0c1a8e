package dev.dtc;

import java.util.Objects;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An XAResource that says which recovery registration it belongs to. dtc writes that name next to the branch in
 * the commit decision, and after a crash only a scan of the resource registered under that name ({@link
 * Recovery#register}) may declare the branch finished: a branch in a database that recovery cannot see must keep
 * its transaction's decision open, or presumed abort would later roll it back while the other branches are
 * committed.
 *
 * <p>The pooled data sources of dtc's xa-adapters name their connections themselves. Code that enlists XA
 * resources by hand wraps them:
 *
 * <pre>{@code
 * XAConnection pg = ordersXaDataSource.getXAConnection();
 * XaRecovery.register(dtc.recovery(), "orders", ordersXaDataSource);
 * XAResource orders = NamedXAResource.of("orders", pg.getXAResource());
 * tm.getTransaction().enlistResource(orders);   // enlist this same object each time
 * }</pre>
 *
 * A resource that does not name itself is enlisted as <em>unnamed</em>: recovery commits its branch through any
 * registered resource that lists it, but only an acknowledgement proves such a branch finished, so after a crash
 * that came after its commit its decision stays open (and listed by {@link Recovery#pending()}) for an operator.
 */
public interface NamedXAResource extends XAResource {

    /** The name of the recovery registration this resource belongs to: non-blank, at most 255 bytes of UTF-8. */
    String resourceName();

    /**
     * {@code resource} under {@code name}: every call goes to {@code resource}. Enlist the returned object each
     * time (dtc tells resources apart by identity).
     */
    static NamedXAResource of(String name, XAResource resource) {
        Objects.requireNonNull(resource, "resource");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a resource name must not be blank: use the name the resource is"
                    + " registered under for recovery");
        }
        return new NamedXAResource() {
            @Override
            public String resourceName() {
                return name;
            }

            @Override
            public void commit(Xid xid, boolean onePhase) throws XAException {
                resource.commit(xid, onePhase);
            }

            @Override
            public void end(Xid xid, int flags) throws XAException {
                resource.end(xid, flags);
            }

            @Override
            public void forget(Xid xid) throws XAException {
                resource.forget(xid);
            }

            @Override
            public int getTransactionTimeout() throws XAException {
                return resource.getTransactionTimeout();
            }

            @Override
            public boolean isSameRM(XAResource other) throws XAException {
                return other == this || resource.isSameRM(other);
            }

            @Override
            public int prepare(Xid xid) throws XAException {
                return resource.prepare(xid);
            }

            @Override
            public Xid[] recover(int flag) throws XAException {
                return resource.recover(flag);
            }

            @Override
            public void rollback(Xid xid) throws XAException {
                resource.rollback(xid);
            }

            @Override
            public boolean setTransactionTimeout(int seconds) throws XAException {
                return resource.setTransactionTimeout(seconds);
            }

            @Override
            public void start(Xid xid, int flags) throws XAException {
                resource.start(xid, flags);
            }

            @Override
            public String toString() {
                return name + " (" + resource + ")";
            }
        };
    }
}
