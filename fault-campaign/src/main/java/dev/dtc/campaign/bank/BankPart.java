package dev.dtc.campaign.bank;

import dev.dtc.campaign.Part;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * §2, the bank invariant under load: accounts split across PostgreSQL and MySQL/MariaDB, {@value
 * JtaBankFace#CLIENTS} clients transferring between an account in each while the coordinator's process is killed
 * every few seconds; afterwards the total never changed, no account is negative, each account's history adds up to
 * its balance, every transfer is in both databases or in neither, and every transfer reported committed is there.
 */
public final class BankPart implements Part {

    @Override
    public String name() {
        return "bank";
    }

    @Override
    public String description() {
        return "transfers between PostgreSQL and MySQL accounts under kill -9: total, signs, history and atomicity kept";
    }

    @Override
    public List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        List<Tally> tallies = new ArrayList<>(JtaBankFace.run(size, seed, log));
        tallies.addAll(HttpBankFace.run(size, seed, log));
        return tallies;
    }
}
