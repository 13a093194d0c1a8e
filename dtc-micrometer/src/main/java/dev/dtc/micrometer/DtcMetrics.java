package dev.dtc.micrometer;

import dev.dtc.PendingDecision;
import dev.dtc.TransactionService;
import dev.dtc.xa.TransactionalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Micrometer meters for one {@link TransactionService}, and for the pooled data sources it is given:
 *
 * <pre>{@code
 * new DtcMetrics(transactionService).bindTo(registry);
 * // with the pools' figures too:
 * new DtcMetrics(transactionService).dataSource(orders).dataSource(stock).bindTo(registry);
 * }</pre>
 *
 * <p>Transactions begun and finished by outcome, the commit and decision-force timers come from an audit listener
 * that {@link #bindTo} registers with the service (it runs on the committing thread and does a counter or timer
 * update per event). Pending decisions, in-doubt branches, transactions in flight, the decision log's figures and
 * the pools' are gauges and function counters read from the service and the pools when the registry reads them.
 * Every meter carries the tag {@code node} (the service's node name) and the tags given to the constructor; the
 * pools' also {@code pool} (the data source's name). The names and meanings are in docs/observability.md.
 *
 * <p>{@link #close()} unregisters the listeners; the meters stay in the registry until it removes them.
 */
public final class DtcMetrics implements MeterBinder, AutoCloseable {

    private final TransactionService service;
    private final Tags tags;
    private final List<TransactionalDataSource> dataSources = new ArrayList<>();
    private final List<AuditMeters> listeners = new CopyOnWriteArrayList<>();

    public DtcMetrics(TransactionService service) {
        this(service, Tags.empty());
    }

    /** With {@code tags} added to every meter (for example the application's name). */
    public DtcMetrics(TransactionService service, Iterable<Tag> tags) {
        this.service = Objects.requireNonNull(service, "service");
        this.tags = Tags.of("node", service.nodeName()).and(Objects.requireNonNull(tags, "tags"));
    }

    /**
     * Adds a pooled data source whose pool figures become meters tagged {@code pool=<its name>}. Call before
     * {@link #bindTo}.
     */
    public DtcMetrics dataSource(TransactionalDataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        for (TransactionalDataSource d : dataSources) {
            if (d.name().equals(dataSource.name())) {
                throw new IllegalArgumentException("a data source named '" + dataSource.name() + "' is already"
                        + " added: pool meters are tagged by name, so each data source needs its own name");
            }
        }
        dataSources.add(dataSource);
        return this;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        AuditMeters audit = new AuditMeters(registry, tags);
        Gauge.builder("dtc.transactions.active", service, TransactionService::transactionsInFlight).tags(tags)
                .description("Transactions begun and not yet completed")
                .register(registry);
        Gauge.builder("dtc.decisions.pending", service, s -> s.recovery().pending().size()).tags(tags)
                .description("Commit decisions the log holds open (branches not known finished, or a heuristic"
                        + " outcome kept for an operator), including those whose phase 2 is running now")
                .register(registry);
        Gauge.builder("dtc.branches.in.doubt", service, DtcMetrics::inDoubt).tags(tags)
                .description("Branches of open decisions not known finished, plus one per heuristic outcome")
                .register(registry);
        LogMeters.bind(service, audit, registry, tags);
        for (TransactionalDataSource ds : dataSources) {
            PoolMeters.bind(ds, registry, tags);
        }
        service.addAuditListener(audit);
        listeners.add(audit);
    }

    /** Unregisters the audit listeners {@link #bindTo} added; the counters and timers stop moving. */
    @Override
    public void close() {
        for (AuditMeters l : listeners) {
            service.removeAuditListener(l);
        }
        listeners.clear();
    }

    /** The sum over open decisions of their unfinished branches, plus one for each heuristic outcome. */
    static int inDoubt(TransactionService service) {
        int n = 0;
        for (PendingDecision p : service.recovery().pending()) {
            n += p.unfinished().size() + (p.heuristic() ? 1 : 0);
        }
        return n;
    }

    /** For tests: start times the listeners keep now. */
    int timing() {
        return listeners.stream().mapToInt(AuditMeters::timing).sum();
    }
}
