package dev.dtc.demo;

import dev.dtc.demo.output.Output;
import picocli.CommandLine.Command;

@Command(name = "reset", mixinStandardHelpOptions = true,
        description = "Delete every order, payment and reservation, and put the first stock back.")
final class ResetCommand extends SessionCommand {

    @Override
    int run(DemoSession session, Output output) {
        session.reset();
        output.reset();
        return ExitStatus.OK;
    }
}
