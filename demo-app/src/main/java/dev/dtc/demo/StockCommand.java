package dev.dtc.demo;

import dev.dtc.demo.output.Output;
import picocli.CommandLine.Command;

@Command(name = "stock", mixinStandardHelpOptions = true,
        description = "Show the inventory: each product's price, units available and units reserved by orders.")
final class StockCommand extends SessionCommand {

    @Override
    int run(DemoSession session, Output output) throws Exception {
        output.stock(session.shop().stock());
        return ExitStatus.OK;
    }
}
