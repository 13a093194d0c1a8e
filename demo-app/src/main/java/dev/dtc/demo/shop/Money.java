package dev.dtc.demo.shop;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Amounts are kept in cents (integers: no rounding surprises) and shown and typed with two decimals. */
public final class Money {

    private Money() {
    }

    public static String format(long cents) {
        return BigDecimal.valueOf(cents, 2).toPlainString();
    }

    /**
     * @throws IllegalArgumentException if the text is not an amount with at most two decimals
     */
    public static long parse(String text) {
        try {
            BigDecimal amount = new BigDecimal(text.trim());
            if (amount.scale() > 2) {
                throw new IllegalArgumentException("'" + text + "' has more than two decimals");
            }
            return amount.setScale(2, RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is not an amount: expected e.g. 42.50");
        }
    }
}
