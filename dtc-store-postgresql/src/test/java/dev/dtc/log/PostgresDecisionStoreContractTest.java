package dev.dtc.log;

import dev.dtc.store.postgresql.PostgresStore;
import dev.dtc.store.postgresql.TestStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterEach;

/**
 * The PostgreSQL store passes the same contract as the file log. It lives in dtc-core's test package to extend
 * the contract, which is package-private there.
 */
class PostgresDecisionStoreContractTest extends DecisionStoreContract {

    private final String url = TestStores.freshUrl();
    private PostgresStore store;

    @Override
    protected DecisionStore.Opener storage() {
        try {
            if (store == null) {
                store = TestStores.open(url, TestStores.SHORT);
            }
            return store.decisions(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected boolean oneNodePerStorage() {
        return false;
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }
}
