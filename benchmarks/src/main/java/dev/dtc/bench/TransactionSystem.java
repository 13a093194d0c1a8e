package dev.dtc.bench;

import jakarta.transaction.TransactionManager;

/** One transaction manager under test, opened on a fresh log directory and closed at the end. */
interface TransactionSystem extends AutoCloseable {

    TransactionManager transactionManager();

    /**
     * The settings that matter for a fair comparison, read back from the running manager
     * (store type, whether writes are forced), so the report shows what was measured
     * rather than what was intended.
     */
    String describe();

    @Override
    void close();
}
