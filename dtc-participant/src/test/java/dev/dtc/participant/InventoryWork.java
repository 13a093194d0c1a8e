package dev.dtc.participant;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tests' service: reserves the payload's {@code sku} for the transaction by inserting a row into
 * {@code reservations}, and counts its runs. The payload steers it: {@code {"refuse": "why"}} refuses,
 * {@code {"nothing": true}} has nothing to do, {@code {"badSql": true}} fails in SQL.
 */
final class InventoryWork implements Work {

    final AtomicInteger runs = new AtomicInteger();

    @Override
    public boolean perform(String transactionId, JsonNode payload, Connection connection)
            throws Refusal, SQLException {
        runs.incrementAndGet();
        if (connection.getAutoCommit()) {
            throw new IllegalStateException("the kit promised autocommit off");
        }
        if (payload.has("refuse")) {
            throw new Refusal(payload.get("refuse").asText());
        }
        if (payload.path("nothing").asBoolean()) {
            return false;
        }
        if (payload.path("badSql").asBoolean()) {
            try (Statement s = connection.createStatement()) {
                s.execute("INSERT INTO no_such_table VALUES (1)");
            }
        }
        try (PreparedStatement s = connection.prepareStatement(
                "INSERT INTO reservations (transaction_id, sku) VALUES (?, ?)")) {
            s.setString(1, transactionId);
            s.setString(2, payload.path("sku").asText("sku-1"));
            s.executeUpdate();
        }
        return true;
    }
}
