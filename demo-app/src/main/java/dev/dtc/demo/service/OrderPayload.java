package dev.dtc.demo.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dtc.demo.shop.OrderLine;
import dev.dtc.demo.shop.OrderRequest;
import dev.dtc.participant.Refusal;
import java.util.ArrayList;
import java.util.List;

/**
 * The order as each service's payload in the coordinator's transaction:
 * {@code {"orderId":"ord-1","customer":"alice","items":[{"sku":"widget","quantity":2}],"amountCents":2500,
 * "card":"4242-4242-4242-4242"}}. Every service gets the whole order and reads what it needs: orders the order and
 * its lines, inventory the lines, payments the amount and the card (the blocked card is how place-order asks
 * payments to decline, as {@code --decline-payment} does in one process).
 */
public final class OrderPayload {

    private OrderPayload() {
    }

    public static ObjectNode of(ObjectMapper json, OrderRequest order) {
        ObjectNode o = json.createObjectNode();
        o.put("orderId", order.orderId());
        o.put("customer", order.customer());
        ArrayNode items = o.putArray("items");
        for (OrderLine l : order.lines()) {
            items.addObject().put("sku", l.sku()).put("quantity", l.quantity());
        }
        o.put("amountCents", order.amountCents());
        o.put("card", order.cardNumber());
        return o;
    }

    /**
     * Reads the order back, as a service does when asked to prepare.
     *
     * @throws Refusal if the payload is not an order: the service votes ABORT and says what was wrong
     */
    public static OrderRequest read(JsonNode payload) throws Refusal {
        if (payload == null || !payload.isObject()) {
            throw new Refusal("the payload is not an order: expected {\"orderId\", \"customer\", \"items\","
                    + " \"amountCents\", \"card\"}");
        }
        try {
            List<OrderLine> lines = new ArrayList<>();
            for (JsonNode item : payload.path("items")) {
                lines.add(new OrderLine(text(item, "sku"), item.path("quantity").asInt(0)));
            }
            if (!payload.path("amountCents").canConvertToLong()) {
                throw new IllegalArgumentException("amountCents must be a whole number of cents");
            }
            return new OrderRequest(text(payload, "orderId"), text(payload, "customer"), lines,
                    payload.path("amountCents").asLong(), text(payload, "card"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new Refusal("the payload is not a valid order: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string");
        }
        return v.asText();
    }
}
