package dev.dtc.log;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The file log passes the store contract. */
class DecisionLogContractTest extends DecisionStoreContract {

    /** Small segments: every fresh log zero-fills one, and the contract's records fit many times over. */
    private static final LogConfig ONE_MIB_SEGMENTS = new LogConfig(1024 * 1024);

    @TempDir
    Path dir;

    @Override
    protected DecisionStore.Opener storage() {
        return DecisionLog.opener(dir.resolve("log"), ONE_MIB_SEGMENTS);
    }
}
