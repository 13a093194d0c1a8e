/**
 * The remote coordinator: two-phase commit over HTTP on the same engine and decision log as the JTA face.
 */
package dev.dtc.server;
