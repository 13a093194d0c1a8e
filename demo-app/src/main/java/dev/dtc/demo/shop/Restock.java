package dev.dtc.demo.shop;

/**
 * What one restock of a product came to.
 *
 * @param token     the fencing token the write carried (0 if the lock was not granted)
 * @param available the product's units after the attempt (as read right after it)
 * @param fence     the product's fence after the attempt: the token of the last restock that wrote it
 * @param detail    for a person: what happened and why
 */
public record Restock(String sku, int units, String lock, long token, Status status, int available, long fence,
                      String detail) {

    public enum Status {
        /** The stock was added and the row's fence set to this token. */
        WRITTEN,
        /** The row's fence was higher than this token: a newer holder of the lock wrote first; nothing changed. */
        STALE,
        /** The lock was held by someone else for the whole wait; nothing was written. */
        HELD,
        /** The lock was lost before the write (the lease ran out or the coordinator refused a renewal). */
        LOST
    }
}
