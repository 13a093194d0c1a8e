/**
 * The shared store of several dtc coordinators on PostgreSQL: each node's decisions written with group commit under
 * the node's lease and epoch, takeover of a dead node's work, and the state every coordinator must see alike.
 * Start at {@link dev.dtc.store.postgresql.PostgresStore}.
 */
package dev.dtc.store.postgresql;
