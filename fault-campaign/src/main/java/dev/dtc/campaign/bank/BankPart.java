package dev.dtc.campaign.bank;

import dev.dtc.campaign.Part;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * §2, the bank invariant under load: accounts split across PostgreSQL and MySQL/MariaDB, {@value
 * JtaBankFace#CLIENTS} clients transferring between an account in each while processes are killed with {@code kill -9}
 * every few seconds, through both faces: the JTA face ({@link JtaBankFace}: the coordinator's JVM) and the HTTP face
 * ({@link HttpBankFace}: dtc-server or a participant, one-shot transactions). Afterwards the total never changed, no
 * account is negative, each account's history adds up to its balance, every transfer is in both databases or in
 * neither, every transfer reported committed is there and none reported rolled back is, and nothing is in doubt.
 */
public final class BankPart implements Part {

    @Override
    public String name() {
        return "bank";
    }

    @Override
    public String description() {
        return "transfers between PostgreSQL and MySQL accounts under kill -9, JTA and HTTP: total, signs, history, atomicity kept";
    }

    @Override
    public List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        List<Tally> tallies = new ArrayList<>(JtaBankFace.run(size, seed, log));
        tallies.addAll(HttpBankFace.run(size, seed, log));
        return tallies;
    }
}
