/**
 * What the demo shows: {@link dev.dtc.demo.output.HumanOutput} (a line per 2PC event as it happens, then the
 * outcome) or {@link dev.dtc.demo.output.JsonOutput} (one JSON document, for programs) on stdout, and
 * {@link dev.dtc.demo.output.Progress} of long set-up on stderr.
 */
package dev.dtc.demo.output;
