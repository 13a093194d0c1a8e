package dev.dtc.demo;

import java.io.PrintStream;
import picocli.CommandLine.Command;

/** The top command: only subcommands. */
@Command(name = "dtc-demo", mixinStandardHelpOptions = true, version = "dtc demo 0.1.0",
        description = {
            "An e-commerce order across three databases in one distributed transaction, coordinated by dtc: orders"
                    + " (PostgreSQL), inventory (MySQL/MariaDB) and payments (PostgreSQL).",
            "",
            "The databases are embedded and kept in --data-dir between commands, unless --postgres-url and"
                    + " --mysql-url name servers. Every command first lets dtc's recovery finish what a crashed"
                    + " command left in doubt, and shows what it did."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  place-order --item widget=2 --item gadget=1   an order, with each step of the two-phase commit",
            "  place-order --decline-payment                 payments votes to abort: all three roll back",
            "  place-order --out-of-stock                    inventory refuses: all three roll back",
            "  place-order --crash-after-prepare             the coordinator dies in doubt ...",
            "  orders                                        ... and recovery finishes it first",
            "  stock --json                                  for programs",
            "  restock --coordinator URL --item widget=10    add stock under a lock, fenced by its token"},
        subcommands = {PlaceOrderCommand.class, StockCommand.class, RestockCommand.class, OrdersCommand.class,
            ResetCommand.class, ServeCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the command did what was asked (the order committed)",
            "1:the order was rolled back (refused, declined, out of stock, timed out); restock: a write was refused"
                    + " as stale or not made (lock held or lost)",
            "2:bad usage",
            "3:the outcome is heuristic or in doubt: see the message",
            "4:the command failed (a database did not start or answer, ...)",
            "99:crashed on purpose (--crash-after-prepare, --crash-after-decision)"})
final class DemoCommand {

    /** Where the commands write: the process's streams, or a test's. */
    final PrintStream out;
    final PrintStream err;

    DemoCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }
}
