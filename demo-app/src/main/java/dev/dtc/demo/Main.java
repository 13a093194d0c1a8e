package dev.dtc.demo;

import java.io.PrintStream;
import picocli.CommandLine;

/** {@code java -jar dtc-demo.jar <command> [options]}: see {@code --help}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command with the given streams; returns its exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new DemoCommand(out, err));
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        return cli.execute(args);
    }
}
