package dev.dtc;

/** Thrown by {@link TransactionService.Builder#build()} when the configuration cannot work; the message says what to fix. */
public class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
