package dev.dtc.campaign.random;

import dev.dtc.campaign.Part;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * §1 of the campaign, randomized: many iterations, each killing ({@code kill -9}) a process drawn from the seed at a
 * moment drawn from the seed while clients commit transactions; then restart, recovery, and the checks on every
 * transaction of the iteration: all or nothing across PostgreSQL and MySQL/MariaDB; committed everywhere if its
 * client was told so; nothing of ours left prepared ({@code pg_prepared_xacts}, {@code XA RECOVER}) or in doubt.
 * Replay a failure with {@code --seed N --part random}: each iteration logs its seed-derived choices.
 */
public final class RandomPart implements Part {

    @Override
    public String name() {
        return "random";
    }

    @Override
    public String description() {
        return "randomized crash matrix: kill -9 of a random process at a random moment under concurrent load"
                + " (JTA and HTTP faces), restart, recovery, and every transaction checked; replay with --seed";
    }

    @Override
    public List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        List<Tally> tallies = new ArrayList<>(new JtaRandomFace().run(size, seed, log));
        tallies.addAll(new HttpRandomFace().run(size, seed, log));
        return tallies;
    }
}
