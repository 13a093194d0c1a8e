package dev.dtc.demo.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dtc.demo.shop.InventoryDatabase;
import dev.dtc.demo.shop.OrderRequest;
import dev.dtc.demo.shop.OrdersDatabase;
import dev.dtc.demo.shop.PaymentsDatabase;
import dev.dtc.demo.shop.Shop;
import dev.dtc.participant.DtcClient;
import dev.dtc.participant.DtcContext;
import dev.dtc.participant.DtcHttpClient;
import dev.dtc.participant.JoinException;
import dev.dtc.participant.JoiningHandler;
import dev.dtc.participant.OpenTransaction;
import dev.dtc.participant.Participant;
import dev.dtc.participant.Refusal;
import dev.dtc.participant.TransactionOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shop's services as they call each other (chained mode): the orders service's {@code POST /api/orders}
 * begins an open transaction on the coordinator, writes the order in its own branch of it, calls inventory's
 * {@code POST /api/reserve} and payments' {@code POST /api/charge} with the transaction's id in the
 * {@value DtcContext#HEADER} header, and commits. Inventory and payments join the transaction when they are called
 * (the participant kit's {@link JoiningHandler}: their work runs in an XA branch of their own database, and they
 * enlist with the coordinator before they answer). The SQL is the same as in the other modes.
 */
public final class ChainedApi {

    public static final String ORDERS = "/api/orders";
    public static final String RESERVE = "/api/reserve";
    public static final String CHARGE = "/api/charge";

    private static final Logger LOG = LoggerFactory.getLogger(ChainedApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Test faults of the chained mode; both halt the JVM ({@code Runtime.halt}, exit 99) at their point. */
    public enum Fault {
        NONE,
        /** payments (or inventory): answer the joined call, then halt, before the coordinator's prepare. */
        EXIT_AFTER_JOIN,
        /** orders: halt after inventory and payments joined, before asking the coordinator to commit. */
        EXIT_BEFORE_COMMIT
    }

    private ChainedApi() {
    }

    /** The service's own API: what its callers (place-order, or the orders service) call. */
    public static Handler of(String service, Participant participant, DtcClient coordinator, Fault fault) {
        return switch (service) {
            case Shop.ORDERS -> new OrdersEndpoint(participant, coordinator, fault);
            case Shop.INVENTORY -> halting(new JoiningHandler(participant, RESERVE, (body, c) -> {
                OrderRequest order = OrderPayload.read(body);
                shop(() -> InventoryDatabase.reserve(c, order));
                return JSON.createObjectNode().put("reserved", order.lines().size());
            }), service, fault);
            case Shop.PAYMENTS -> halting(new JoiningHandler(participant, CHARGE, (body, c) -> {
                OrderRequest order = OrderPayload.read(body);
                shop(() -> {
                    PaymentsDatabase.record(c, order);
                    PaymentsDatabase.authoriseNow(c, order); // the issuer's "no" refuses the call
                });
                return JSON.createObjectNode().put("charged", order.amountCents());
            }), service, fault);
            default -> throw new IllegalArgumentException("no service " + service);
        };
    }

    /** Set when a joined call's answer starts going out under {@code --exit-after-join}: the service is "down". */
    private static volatile boolean halting;

    /**
     * {@code --exit-after-join}: the joined call's answer goes out, then the JVM halts; any request that arrives
     * after the answer was started (the coordinator's prepare, typically) halts it at once, so the service never
     * prepares.
     */
    private static Handler halting(Handler h, String service, Fault fault) {
        if (fault != Fault.EXIT_AFTER_JOIN) {
            return h;
        }
        return new Handler.Wrapper(h) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Response marking = new Response.Wrapper(request, response) {
                    @Override
                    public void write(boolean last, ByteBuffer content, Callback cb) {
                        if (getStatus() == 200) {
                            halting = true;
                        }
                        super.write(last, content, cb);
                    }
                };
                Callback thenHalt = Callback.from(() -> {
                    callback.succeeded();
                    if (halting) {
                        new Thread(() -> halt(service, "--exit-after-join: joined the transaction and answered;"
                                + " halting before the coordinator's prepare", 100), "exit-after-join").start();
                    }
                }, callback::failed);
                return super.handle(request, marking, thenHalt);
            }
        };
    }

    /** Wraps the whole service: once {@code --exit-after-join} has answered a joined call, every request halts. */
    public static Handler guard(String service, Handler all) {
        return new Handler.Wrapper(all) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (halting) {
                    halt(service, "--exit-after-join: a request after the joined call's answer (" + request.getMethod()
                            + " " + Request.getPathInContext(request) + "): halting without handling it", 0);
                }
                return super.handle(request, response, callback);
            }
        };
    }

    static void halt(String service, String why, long afterMillis) {
        try {
            Thread.sleep(afterMillis); // the answer is written: let it leave
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.err.println(service + ": " + why + " (exit " + ExitAfterPrepare.EXIT_STATUS + ")");
        System.err.flush();
        Runtime.getRuntime().halt(ExitAfterPrepare.EXIT_STATUS);
    }

    private interface Sql {
        void run() throws SQLException, dev.dtc.demo.shop.Refusal;
    }

    private static void shop(Sql sql) throws Refusal, SQLException {
        try {
            sql.run();
        } catch (dev.dtc.demo.shop.Refusal r) {
            throw new Refusal(r.getMessage());
        }
    }

    /**
     * {@code POST /api/orders} {@code {"order": {...}, "inventory": "http://host:port", "payments": "http://...",
     * "timeoutMs": 30000}}: the order service as the transaction's creator. Answers 200 with the coordinator's answer
     * to the commit (or rollback), plus {@code "refusal": {"participant", "reason"}} when a service refused its
     * call; 400 for a body that is not such a request; 502 when the coordinator could not be asked.
     */
    static final class OrdersEndpoint extends Handler.Abstract {
        private final Participant participant;
        private final DtcClient coordinator;
        private final Fault fault;
        private final HttpClient http = DtcHttpClient.propagating(HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());

        OrdersEndpoint(Participant participant, DtcClient coordinator, Fault fault) {
            this.participant = participant;
            this.coordinator = coordinator;
            this.fault = fault;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!Request.getPathInContext(request).equals(ORDERS)) {
                return false;
            }
            if (!request.getMethod().equals("POST")) {
                return answer(response, callback, 405, error("use POST " + ORDERS));
            }
            JsonNode body;
            try (InputStream in = Content.Source.asInputStream(request)) {
                body = JSON.readTree(in.readNBytes(1 << 20));
            } catch (IOException e) {
                return answer(response, callback, 400, error("the body is not JSON: " + e.getMessage()));
            }
            OrderRequest order;
            URI inventory;
            URI payments;
            Duration timeout;
            try {
                if (body == null || !body.isObject()) {
                    throw new IllegalArgumentException("the body must be {\"order\", \"inventory\", \"payments\","
                            + " \"timeoutMs\"}");
                }
                order = OrderPayload.read(body.get("order"));
                inventory = base(body, "inventory");
                payments = base(body, "payments");
                timeout = Duration.ofMillis(body.path("timeoutMs").asLong(30_000));
                if (timeout.toMillis() < 1 || timeout.toMillis() > 600_000) {
                    throw new IllegalArgumentException("\"timeoutMs\" must be 1 to 600000");
                }
            } catch (Refusal | IllegalArgumentException e) {
                return answer(response, callback, 400, error(e.getMessage()));
            }
            try {
                return answer(response, callback, 200, place(order, inventory, payments, timeout));
            } catch (IOException e) {
                LOG.warn("order {}: the coordinator could not be asked: {}", order.orderId(), e.getMessage());
                return answer(response, callback, 502, error("the coordinator could not be asked: " + e.getMessage()));
            }
        }

        private static URI base(JsonNode body, String field) {
            JsonNode v = body.get(field);
            if (v == null || !v.isTextual() || !v.asText().matches("https?://[^\\s]+")) {
                throw new IllegalArgumentException("\"" + field + "\" must be the service's base URL, e.g."
                        + " http://127.0.0.1:9002");
            }
            String s = v.asText();
            return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        }

        /** The order as one open transaction: this service's insert, inventory's and payments' calls, commit. */
        private ObjectNode place(OrderRequest order, URI inventory, URI payments, Duration timeout)
                throws IOException, InterruptedException {
            OpenTransaction tx = coordinator.begin(timeout);
            String refusedBy = null;
            String why = null;
            try (DtcContext.Scope scope = tx.enter()) {
                try {
                    participant.join(tx.id(), c -> {
                        shop(() -> OrdersDatabase.insert(c, order));
                        return null;
                    });
                } catch (Refusal | SQLException | JoinException e) {
                    refusedBy = Shop.ORDERS;
                    why = e.getMessage();
                }
                ObjectNode payload = OrderPayload.of(JSON, order);
                if (refusedBy == null) {
                    why = call(inventory.resolve(inventory.getPath() + RESERVE), payload);
                    refusedBy = why == null ? null : Shop.INVENTORY;
                }
                if (refusedBy == null) {
                    why = call(payments.resolve(payments.getPath() + CHARGE), payload);
                    refusedBy = why == null ? null : Shop.PAYMENTS;
                }
            }
            if (fault == Fault.EXIT_BEFORE_COMMIT) {
                halt(Shop.ORDERS, "--exit-before-commit: inventory and payments joined transaction " + tx.id()
                        + "; halting before asking the coordinator to commit (it rolls back at its timeout)", 0);
            }
            TransactionOutcome outcome = refusedBy == null ? tx.commit() : tx.rollback(refusedBy + " refused: " + why);
            ObjectNode answer = outcome.answer() instanceof ObjectNode o ? o.deepCopy() : JSON.createObjectNode();
            answer.put("id", tx.id());
            answer.put("outcome", outcome.outcome());
            if (refusedBy != null) {
                answer.putObject("refusal").put("participant", refusedBy).put("reason", why);
            }
            return answer;
        }

        /** Calls a service inside the current transaction; null when it did its part, else why not. */
        private String call(URI uri, ObjectNode payload) throws InterruptedException {
            HttpResponse<String> r;
            try {
                r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(payload.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return "unreachable at " + uri + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
            }
            if (r.statusCode() == 200) {
                return null;
            }
            try {
                JsonNode e = JSON.readTree(r.body());
                if (e != null && e.hasNonNull("error")) {
                    return e.get("error").asText();
                }
            } catch (IOException ignored) {
                // not JSON: quote it
            }
            String text = r.body() == null ? "" : r.body().strip();
            return "HTTP " + r.statusCode() + (text.isEmpty() ? "" : ": " + (text.length() > 200
                    ? text.substring(0, 200) + "..." : text));
        }

        private static ObjectNode error(String message) {
            return JSON.createObjectNode().put("error", message);
        }

        private static boolean answer(Response response, Callback callback, int status, ObjectNode body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(body.toString().getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
    }
}
