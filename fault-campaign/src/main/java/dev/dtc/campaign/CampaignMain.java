package dev.dtc.campaign;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar fault-campaign/target/dtc-fault-campaign.jar [--size ci|full] [--seed N] [--part NAME]...}: runs
 * the campaign and prints the summary table on stdout (progress on stderr). Exit status 0 when every row passed,
 * 1 when any violation, in-doubt leftover or empty row was seen, 2 for bad options.
 *
 * <p>Database servers: the machine's, named by {@code DTC_TEST_POSTGRES_URL} / {@code DTC_TEST_MYSQL_URL} (as
 * {@code eval "$(bash docker/local-databases.sh)"} sets them), else embedded ones.
 */
@Command(name = "dtc-fault-campaign", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Kills, hangs, damages and fuzzes dtc and checks that nothing is lost, half done or left in doubt.")
public final class CampaignMain implements Callable<Integer> {

    @Option(names = "--size", defaultValue = "full", description = "ci (a few minutes) or full (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--seed", description = "Seed of every random choice (default: the time); printed, so that a"
            + " failing run can be replayed.")
    Long seed;

    @Option(names = "--part", paramLabel = "NAME", description = "Run only these parts (repeatable; default: all).")
    List<String> parts = new ArrayList<>();

    private final PrintStream out;
    private final PrintStream err;

    CampaignMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new CampaignMain(out, err));
        cl.setOut(new java.io.PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Size s;
        try {
            s = Size.valueOf(size.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            err.println("dtc-fault-campaign: --size must be ci or full, was '" + size + "'");
            return 2;
        }
        Set<String> known = Parts.all().stream().map(Part::name).collect(Collectors.toSet());
        for (String p : parts) {
            if (!known.contains(p)) {
                err.println("dtc-fault-campaign: no part '" + p + "'; the parts are " + known);
                return 2;
            }
        }
        long theSeed = seed != null ? seed : System.currentTimeMillis();
        err.println("dtc-fault-campaign: size " + s.name().toLowerCase(Locale.ROOT) + ", seed " + theSeed
                + " (replay with --seed " + theSeed + ")");
        List<Tally> all = new ArrayList<>();
        long started = System.nanoTime();
        for (Part p : Parts.all()) {
            if (!parts.isEmpty() && !parts.contains(p.name())) {
                continue;
            }
            err.println("== " + p.name() + ": " + p.description());
            long t0 = System.nanoTime();
            all.addAll(p.run(s, theSeed, err));
            err.printf(Locale.ROOT, "== %s done in %s%n", p.name(), Duration.ofNanos(System.nanoTime() - t0));
        }
        out.println("## dtc fault campaign: size " + s.name().toLowerCase(Locale.ROOT) + ", seed " + theSeed + ", "
                + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");
        out.println();
        out.print(Summary.table(all));
        out.flush();
        return Summary.passed(all) ? 0 : 1;
    }
}
