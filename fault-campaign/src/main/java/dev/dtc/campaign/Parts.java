package dev.dtc.campaign;

import java.util.List;

/** Every part of the campaign, in the order they run. Add a part here. */
public final class Parts {

    private Parts() {
    }

    public static List<Part> all() {
        return List.of(
                new dev.dtc.campaign.crash.CrashMatrixPart(),
                new dev.dtc.campaign.locks.LockFaultsPart(),
                new dev.dtc.campaign.log.LogDamagePart(),
                new dev.dtc.campaign.log.PowerLossPart(),
                new dev.dtc.campaign.hostile.HostilePart(),
                new dev.dtc.campaign.network.NetworkPart(),
                new dev.dtc.campaign.bank.BankPart(),
                new dev.dtc.campaign.random.RandomPart(),
                new dev.dtc.campaign.late.LatePart(),
                new dev.dtc.campaign.scaleout.TakeoverPart(),
                new dev.dtc.campaign.jtatakeover.JtaTakeoverPart()
        );
    }
}
