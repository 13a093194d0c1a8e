/**
 * dtc's audit events as the demo shows them: {@link dev.dtc.demo.trace.TraceRecorder} listens to the transaction
 * service and routes each event to the {@link dev.dtc.demo.trace.TransactionTrace} of its transaction, naming each
 * branch after the participant (orders, inventory, payments) whose connection enlisted it;
 * {@link dev.dtc.demo.trace.RecoveryTrace} keeps what recovery did; {@link dev.dtc.demo.trace.CrashSwitch} ends
 * the process at a chosen point of the protocol, for the crash demonstrations.
 */
package dev.dtc.demo.trace;
