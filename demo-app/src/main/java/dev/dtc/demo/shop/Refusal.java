package dev.dtc.demo.shop;

/**
 * A participant's database refused the order while the shop was writing to it (before any prepare): the order id
 * exists, the stock is insufficient, the card is unknown. The shop rolls the whole transaction back.
 */
public final class Refusal extends Exception {

    private final String participant;

    Refusal(String participant, String reason, Throwable cause) {
        super(reason, cause);
        this.participant = participant;
    }

    public String participant() {
        return participant;
    }
}
