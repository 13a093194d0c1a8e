/**
 * Internal, FOR TESTS ONLY. Deliberate crash points of the engine ({@code -Ddtc.test.fault=...}), off by default,
 * for the fault campaign (docs/reliability.md, crash matrix).
 */
package dev.dtc.internal.fault;
