package dev.dtc.demo;

import dev.dtc.demo.output.Output;
import dev.dtc.demo.shop.OrderLine;
import dev.dtc.demo.shop.Restock;
import dev.dtc.participant.DtcLocks;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Adds stock under the coordinator's lock {@code stock-<sku>}, and writes it with the lock's fencing token, so a
 * holder whose lease ran out (paused, partitioned) cannot overwrite a newer holder's write: see docs/locking.md.
 */
@Command(name = "restock", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Add stock to products under the coordinator's lock stock-<sku>, written with the lock's"
                + " fencing token: UPDATE product SET available = available + ?, fence = ? WHERE sku = ? AND"
                + " fence <= ?. A write whose token is lower than the row's fence is refused as stale: a newer"
                + " holder of the lock wrote first.",
            "The lock service is the HTTP coordinator's (./demo up starts one at http://127.0.0.1:8080); the"
                    + " stock is in this command's inventory database, as for `stock`."},
        footerHeading = "%nExample:%n",
        footer = {"  restock --coordinator http://127.0.0.1:8080 --item widget=10",
            "  (in a second shell, at once:) restock --coordinator ... --item widget=10 --ttl 2 --pause-before-write 10"})
final class RestockCommand extends SessionCommand {

    private static final Pattern LOCKABLE_SKU = Pattern.compile("[A-Za-z0-9._~-]{1,122}");

    @Option(names = "--coordinator", paramLabel = "URL", required = true,
            description = "The coordinator whose lock service guards the stock, e.g. http://127.0.0.1:8080.")
    String coordinator;

    @Option(names = "--item", paramLabel = "SKU=QTY", required = true,
            description = "A product and the units to add; repeat for more. Locks are taken one product at a time,"
                    + " in sku order.")
    List<String> items = new ArrayList<>();

    @Option(names = "--token-file", paramLabel = "FILE", description = "The file holding the coordinator's bearer"
            + " token (default: DTC_TOKEN, else the token ./demo up wrote to DATA_DIR/remote/token).")
    Path tokenFile;

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "10",
            description = "The lock's lease, renewed in the background while held (default: ${DEFAULT-VALUE}).")
    int ttlSeconds;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to wait for a lock someone else holds (default: ${DEFAULT-VALUE}; 0: do not wait).")
    int waitSeconds;

    @Option(names = "--owner", paramLabel = "NAME",
            description = "The holder's name the coordinator shows (default: host:pid:thread).")
    String owner;

    @Option(names = "--pause-before-write", paramLabel = "SECONDS", defaultValue = "0",
            description = "To see the fence work: with the lock held and checked, stop this long before the write,"
                    + " renewing nothing, as in a long GC pause or a frozen VM. If the lease runs out meanwhile and"
                    + " another restock takes the lock and writes, this write is refused as stale.")
    int pauseSeconds;

    @Override
    void validate() {
        Tokens.httpUrl("--coordinator", coordinator);
        if (ttlSeconds < 1 || ttlSeconds > 3600) {
            throw new IllegalArgumentException("--ttl must be 1 to 3600 seconds, was " + ttlSeconds);
        }
        if (waitSeconds < 0 || waitSeconds > 600) {
            throw new IllegalArgumentException("--wait must be 0 to 600 seconds, was " + waitSeconds);
        }
        if (pauseSeconds < 0 || pauseSeconds > 3600) {
            throw new IllegalArgumentException("--pause-before-write must be 0 to 3600 seconds, was " + pauseSeconds);
        }
        if (owner != null && !owner.matches("[!-~]{1,200}")) {
            throw new IllegalArgumentException("--owner must be 1 to 200 printable ASCII characters without spaces,"
                    + " was '" + owner + "'");
        }
        lines();
    }

    private List<OrderLine> lines() {
        List<OrderLine> lines = new ArrayList<>();
        for (String item : items) {
            OrderLine line = OrderLine.parse(item);
            if (!LOCKABLE_SKU.matcher(line.sku()).matches()) {
                throw new IllegalArgumentException("'" + line.sku() + "' cannot name a lock (stock-<sku>): a sku to"
                        + " restock must be 1 to 122 characters of A-Z a-z 0-9 . _ ~ -");
            }
            if (lines.stream().anyMatch(l -> l.sku().equals(line.sku()))) {
                throw new IllegalArgumentException("--item " + line.sku() + " is given twice; give it once with the"
                        + " total");
            }
            lines.add(line);
        }
        lines.sort(Comparator.comparing(OrderLine::sku));
        return lines;
    }

    @Override
    int run(DemoSession session, Output output) throws Exception {
        URI coordinatorUri = Tokens.httpUrl("--coordinator", coordinator);
        String token = Tokens.read(tokenFile, common.dataDirectory.toAbsolutePath().resolve("remote").resolve("token"));
        List<OrderLine> lines = lines();
        for (OrderLine line : lines) {
            session.shop().available(line.sku()); // an unknown product is bad input: before any lock is taken
        }
        DtcLocks.Builder builder = DtcLocks.builder(coordinatorUri).token(token)
                // a pause stops the whole process in real life, renewal included
                .renewInBackground(pauseSeconds == 0);
        if (owner != null) {
            builder.owner(owner);
        }
        boolean allWritten = true;
        try (DtcLocks locks = builder.build()) {
            for (OrderLine line : lines) {
                Restock r = restock(session, output, locks, line);
                output.restocked(r);
                allWritten &= r.status() == Restock.Status.WRITTEN;
            }
        }
        return allWritten ? ExitStatus.OK : ExitStatus.ROLLED_BACK;
    }

    private Restock restock(DemoSession session, Output output, DtcLocks locks, OrderLine line) throws Exception {
        String name = "stock-" + line.sku();
        try (DtcLocks.Lock lock = locks.acquire(name, Duration.ofSeconds(ttlSeconds), Duration.ofSeconds(waitSeconds))) {
            lock.check();
            if (pauseSeconds > 0) {
                output.restockPausing(name, lock.token(), Duration.ofSeconds(pauseSeconds));
                Thread.sleep(Duration.ofSeconds(pauseSeconds).toMillis());
            }
            return session.shop().restock(line.sku(), line.quantity(), name, lock.token());
        } catch (DtcLocks.HeldException e) {
            int available = session.shop().available(line.sku());
            return new Restock(line.sku(), line.quantity(), name, 0, Restock.Status.HELD, available, -1,
                    "not written: " + e.getMessage());
        } catch (DtcLocks.LostException e) {
            int available = session.shop().available(line.sku());
            return new Restock(line.sku(), line.quantity(), name, 0, Restock.Status.LOST, available, -1,
                    "not written: " + e.getMessage());
        }
    }
}
