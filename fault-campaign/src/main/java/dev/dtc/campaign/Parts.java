package dev.dtc.campaign;

import java.util.List;

/** Every part of the campaign, in the order they run. Add a part here. */
public final class Parts {

    private Parts() {
    }

    public static List<Part> all() {
        return List.of(
                new dev.dtc.campaign.bank.BankPart()
        );
    }
}
