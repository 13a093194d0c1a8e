package dev.dtc.participant;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.postgresql.xa.PGXADataSource;

/** A PostgreSQL that cannot prepare transactions is refused at start, with what to change, not at the first prepare. */
class MisconfiguredDatabaseTest {

    @Test
    void postgresWithoutPreparedTransactionsIsRefusedAtStart() {
        DatabaseServer server = TestDatabases.postgresWithoutPreparedTransactions();
        server.createDatabase("dtc_participant_no_xa");
        PGXADataSource ds = new PGXADataSource();
        ds.setURL(server.jdbcUrl("dtc_participant_no_xa"));
        ds.setUser(server.user());
        ds.setPassword(server.password());
        Participant p = Participant.builder().name("inventory").xaDataSource(ds).work((t, payload, c) -> true)
                .coordinator(URI.create("http://127.0.0.1:9")).token("t").build();
        try (p) {
            assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("max_prepared_transactions = 0")
                    .hasMessageContaining("restart PostgreSQL");
        }
    }
}
