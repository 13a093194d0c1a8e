package dev.dtc.spring.boot;

import dev.dtc.TransactionService;
import java.util.Optional;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Health of dtc ({@code /actuator/health/dtc}): DOWN when the decision log is not open (the service was closed, or
 * with a shared store another coordinator took this node's lease over) or when the start-up recovery scan failed;
 * UNKNOWN before that scan has run; else UP. Details: {@code node}, {@code logOpen}, {@code leaseLost} (when it
 * was), {@code recoveryDone}, {@code recoveryFailure} (when it failed), {@code inDoubt} (commit decisions with
 * branches not known finished, {@code Recovery.pending()}), {@code heuristics} (heuristic outcomes waiting for an
 * operator) and {@code transactionsInFlight}.
 */
public final class DtcHealthIndicator extends AbstractHealthIndicator {

    private final TransactionService service;
    private final DtcStartupRecovery startupRecovery;

    public DtcHealthIndicator(TransactionService service, DtcStartupRecovery startupRecovery) {
        super("dtc health check failed");
        this.service = service;
        this.startupRecovery = startupRecovery;
    }

    @Override
    protected void doHealthCheck(Health.Builder health) {
        boolean open = service.isOpen();
        Optional<String> leaseLost = service.leaseLost();
        boolean logOpen = open && leaseLost.isEmpty();
        health.withDetail("node", service.nodeName()).withDetail("logOpen", logOpen);
        leaseLost.ifPresent(reason -> health.withDetail("leaseLost", reason));
        health.withDetail("recoveryDone", startupRecovery.done());
        startupRecovery.failure().ifPresent(reason -> health.withDetail("recoveryFailure", reason));
        if (open) {
            health.withDetail("inDoubt", service.recovery().pending().size())
                    .withDetail("heuristics", service.recovery().heuristics().size())
                    .withDetail("transactionsInFlight", service.transactionsInFlight());
        }
        if (!logOpen || startupRecovery.failure().isPresent()) {
            health.down();
        } else if (!startupRecovery.done()) {
            health.unknown();
        } else {
            health.up();
        }
    }
}
