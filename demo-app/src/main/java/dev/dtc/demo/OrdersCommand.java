package dev.dtc.demo;

import dev.dtc.demo.output.Output;
import picocli.CommandLine.Command;

@Command(name = "orders", mixinStandardHelpOptions = true,
        description = {"Show every order with its payment, matched across the orders and payments databases, and"
                + " check that each order has exactly one payment and its stock reservation.",
            "Like every command, it first runs recovery: after a crash, this shows what recovery did."})
final class OrdersCommand extends SessionCommand {

    @Override
    int run(DemoSession session, Output output) throws Exception {
        output.orders(session.shop().orderBook());
        return ExitStatus.OK;
    }
}
