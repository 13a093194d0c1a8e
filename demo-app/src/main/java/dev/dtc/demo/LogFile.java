package dev.dtc.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Sends every library log line (dtc's audit log, the embedded servers' output, the drivers) to {@code demo.log}
 * in the data directory, so that stdout holds only what the command shows and an operator still has the full
 * record. dtc's audit lines there carry the same event names as the command's output: the demo keeps dtc's full
 * audit trail (the logger {@value #AUDIT} at DEBUG, where an application embedding dtc gets one INFO line per
 * transaction), because showing every step of the protocol is what the demo is for.
 */
final class LogFile {

    static final String AUDIT = "dev.dtc.audit";

    private LogFile() {
    }

    /**
     * For a long-running service ({@code serve}): every library log line at INFO on stderr, which {@code ./demo up}
     * writes to the service's log file (dtc's own audit trail at DEBUG, as in {@code demo.log}). The kit's audit lines (one per protocol step, with the transaction id) are
     * what an operator reads there.
     */
    static void toStderr() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{ISO8601} %-5level [%thread] %logger{30} - %msg%n");
        encoder.start();
        ch.qos.logback.core.ConsoleAppender<ILoggingEvent> appender = new ch.qos.logback.core.ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("stderr");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
        context.getLogger(AUDIT).setLevel(Level.DEBUG);
    }

    static Path redirectTo(Path dataDirectory) {
        Path file = dataDirectory.resolve("demo.log");
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return file; // another SLF4J binding was put on the class path: leave its configuration alone
        }
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{ISO8601} %-5level [%thread] %logger{30} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("demo-log");
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(appender);
        context.getLogger(AUDIT).setLevel(Level.DEBUG);
        return file;
    }
}
