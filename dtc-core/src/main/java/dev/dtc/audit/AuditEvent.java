package dev.dtc.audit;

import java.time.Instant;

/**
 * One state change of one transaction, as written to the audit log and given to listeners.
 *
 * @param type   what happened; its name is stable and is the SLF4J message's first word
 * @param txId   the transaction id (the global transaction id as text)
 * @param branch the branch concerned (its Xid as text), or null for transaction-wide events
 * @param detail free text: a vote's reason, an error, a count; may be null
 * @param at     when it happened
 */
public record AuditEvent(EventType type, String txId, String branch, String detail, Instant at) {
}
