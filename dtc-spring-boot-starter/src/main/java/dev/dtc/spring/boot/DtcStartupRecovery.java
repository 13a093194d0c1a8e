package dev.dtc.spring.boot;

import dev.dtc.RecoveryReport;
import dev.dtc.TransactionService;
import dev.dtc.xa.TransactionalDataSource;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The recovery scan at start-up. Each {@code dtc.datasources} data source registers for recovery when it is made;
 * once every singleton exists (so every data source, including those an application declares itself), one scan
 * settles what an earlier process left in doubt: it commits the branches of logged commit decisions and rolls back
 * prepared branches that have none. Its result is logged and kept for the health indicator. After it, the
 * service's own background recovery ({@code dtc.recovery-interval}) carries on.
 *
 * <p>A scan that throws, or that could not scan a resource, does not stop the application (the databases were
 * reachable moments ago, when the data sources started); it is logged as an error and the health indicator reports
 * DOWN.
 */
public final class DtcStartupRecovery implements SmartInitializingSingleton {

    private static final Logger LOG = LoggerFactory.getLogger(DtcStartupRecovery.class);

    private final TransactionService service;
    private final ObjectProvider<TransactionalDataSource> dataSources;
    private volatile RecoveryReport report;
    private volatile String failure;

    DtcStartupRecovery(TransactionService service, ObjectProvider<TransactionalDataSource> dataSources) {
        this.service = service;
        this.dataSources = dataSources;
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<String> names = dataSources.orderedStream().map(TransactionalDataSource::name).toList();
        try {
            RecoveryReport r = service.recovery().scan();
            if (!r.failures().isEmpty()) {
                failure = "could not scan: " + String.join("; ", r.failures());
                LOG.error("dtc recovery at start (node {}, data sources {}): {}", service.nodeName(), names, failure);
            } else if (!r.pending().isEmpty()) {
                LOG.warn("dtc recovery at start (node {}, data sources {}): committed {}, rolled back {}, finished {};"
                                + " still in doubt {} (a resource they need is not registered or not reachable)",
                        service.nodeName(), names, r.committed().size(), r.rolledBack().size(), r.finished().size(),
                        r.pending());
            } else {
                LOG.info("dtc recovery at start (node {}, data sources {}): committed {}, rolled back {}, finished {};"
                                + " nothing in doubt", service.nodeName(), names, r.committed().size(),
                        r.rolledBack().size(), r.finished().size());
            }
            report = r;
        } catch (RuntimeException e) {
            failure = e.toString();
            LOG.error("dtc recovery at start (node {}, data sources {}) failed", service.nodeName(), names, e);
        }
    }

    /** True once the start-up scan ran to its end, whatever it found. */
    public boolean done() {
        return report != null || failure != null;
    }

    /** What the start-up scan did; empty until it finished, and when it threw. */
    public Optional<RecoveryReport> report() {
        return Optional.ofNullable(report);
    }

    /** Why the start-up scan failed (it threw, or a resource could not be scanned); empty when it did not. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }
}
