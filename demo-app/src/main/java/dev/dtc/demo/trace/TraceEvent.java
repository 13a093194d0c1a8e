package dev.dtc.demo.trace;

import dev.dtc.audit.EventType;
import java.time.Instant;

/**
 * One audit event of dtc as the demo shows it: with the name of the participant (orders, inventory, payments)
 * that the branch belongs to.
 *
 * @param type          dtc's event
 * @param transactionId dtc's transaction id
 * @param participant   the participant of the branch, or null for transaction-wide events
 * @param branch        the branch's Xid as text, or null
 * @param detail        dtc's detail (a vote's reason, "one-phase", ...), or null
 * @param at            when dtc emitted it
 */
public record TraceEvent(EventType type, String transactionId, String participant, String branch, String detail, Instant at) {
}
