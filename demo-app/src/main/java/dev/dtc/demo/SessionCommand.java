package dev.dtc.demo;

import dev.dtc.demo.output.HumanOutput;
import dev.dtc.demo.output.JsonOutput;
import dev.dtc.demo.output.Output;
import dev.dtc.demo.output.Progress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A command that runs on a {@link DemoSession}: opens it (with progress on stderr and the recovery report on
 * stdout), runs, and closes it; a failure becomes one message on stderr (and in the JSON document with
 * {@code --json}) and its exit status.
 */
abstract class SessionCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @ParentCommand
    DemoCommand parent;

    /** The command's work; returns its exit status. */
    abstract int run(DemoSession session, Output output) throws Exception;

    /** True if the command runs without the demo's databases (place-order through the HTTP coordinator). */
    boolean remote() {
        return false;
    }

    /** The command's work when {@link #remote()}; returns its exit status. */
    int runRemote(Output output) throws Exception {
        throw new UnsupportedOperationException(spec.name() + " has no remote mode");
    }

    /** Checks the command's own options before anything starts; throws IllegalArgumentException. */
    void validate() {
    }

    @Override
    public final Integer call() {
        Output output = common.json ? new JsonOutput(parent.out, spec.name()) : new HumanOutput(parent.out);
        try (Progress progress = new Progress(parent.err, common.quiet)) {
            validate();
            int status;
            if (remote()) {
                status = runRemote(output);
            } else {
                try (DemoSession session = DemoSession.open(common, output, progress)) {
                    status = run(session, output);
                }
            }
            output.finish();
            return status;
        } catch (IllegalArgumentException e) {
            return fail(output, ExitStatus.USAGE, e);
        } catch (Exception e) {
            return fail(output, ExitStatus.FAILED, e);
        }
    }

    private int fail(Output output, int status, Exception e) {
        String message = messageOf(e);
        output.error(message);
        output.finish();
        parent.err.println("dtc-demo " + spec.name() + ": " + message);
        if (System.getenv("DTC_DEMO_DEBUG") != null) {
            e.printStackTrace(parent.err);
        }
        parent.err.flush();
        return status;
    }

    /** The message and its causes' messages, each once: drivers often put the useful part in the cause. */
    static String messageOf(Throwable e) {
        StringBuilder m = new StringBuilder(e.getMessage() == null ? e.toString() : e.getMessage());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !m.toString().contains(c.getMessage())) {
                m.append(": ").append(c.getMessage());
            }
        }
        return m.toString();
    }
}
