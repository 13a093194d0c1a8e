package dev.dtc.participant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one endpoint of a service that works inside its callers' transactions, on Jetty 12 (core, no servlets):
 * a {@code POST} to the path, with the header {@value DtcContext#HEADER}{@code : <transaction id>} and a JSON body
 * (or none), runs the {@link Endpoint} through {@link Participant#join} — in the participant's branch of that
 * transaction, enlisted with the coordinator — and answers its JSON.
 *
 * <pre>{@code
 * server.setHandler(new Handler.Sequence(
 *         new ParticipantHandler(inventory, "/tx"),              // the coordinator's prepare, commit, rollback
 *         new JoiningHandler(inventory, "/reserve", (body, connection) -> {
 *             ... UPDATE stock ... or throw new Refusal("insufficient stock for sku-7");
 *             return JsonNodeFactory.instance.objectNode().put("reserved", true);
 *         })));
 * }</pre>
 *
 * <p>Answers: 200 with the endpoint's JSON ({@code {}} if it returned null); 400 without the header ("this
 * endpoint must be called inside a transaction": the endpoint writes only inside one, so a call outside is a
 * caller's mistake, not something to run on its own), with an invalid id, or with a body that is not JSON;
 * 405 for another method; 413 for a body over the participant's {@code maxBodyBytes}; 409 with the reason when the
 * endpoint throws {@link Refusal}; 500 when it throws an {@link SQLException} or anything else (in both cases the
 * transaction can no longer commit here: the participant votes ABORT); the {@link JoinException#status() status}
 * of a {@link JoinException}. Every error is {@code {"error": "..."}}. Requests to other paths are left to the next
 * handler.
 *
 * <p>The dtc token is not asked for here: this is the service's own API, called by the transaction's creator or
 * another service, and authenticating those callers is the service's business.
 */
public final class JoiningHandler extends Handler.Abstract {

    /** The service's work for one call, inside the transaction's branch. */
    @FunctionalInterface
    public interface Endpoint {
        /**
         * @param body       the request body as JSON ({@link NullNode} if empty); the transaction's id is
         *                   {@link DtcContext#current()}
         * @param connection in the transaction's branch, autocommit off; do not commit, roll back or close it
         * @return the JSON to answer with
         * @throws Refusal      to refuse (answered 409 with the reason; the transaction will roll back)
         * @throws SQLException answered 500 (the transaction will roll back)
         */
        JsonNode handle(JsonNode body, Connection connection) throws Refusal, SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(JoiningHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Participant participant;
    private final String path;
    private final Endpoint endpoint;

    /**
     * @param path the endpoint's exact path, e.g. {@code /reserve}
     */
    public JoiningHandler(Participant participant, String path, Endpoint endpoint) {
        this.participant = Objects.requireNonNull(participant, "participant");
        this.path = Objects.requireNonNull(path, "path");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', e.g. /reserve, not " + path);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!Request.getPathInContext(request).equals(path)) {
            return false;
        }
        int status;
        String answer;
        boolean[] bodyRead = {false};
        try {
            answer = serve(request, bodyRead).toString();
            status = 200;
        } catch (Failure f) {
            status = f.status;
            answer = JSON.createObjectNode().put("error", f.getMessage()).toString();
            if (status == 405) {
                response.getHeaders().put(HttpHeader.ALLOW, "POST");
            }
            if (!bodyRead[0]) {
                // refused before its body was read: Jetty closes the connection after the answer, and a client
                // that reused it at once would find it closed without an answer; tell it not to
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    private JsonNode serve(Request request, boolean[] bodyRead) throws Failure {
        if (!"POST".equals(request.getMethod())) {
            throw new Failure(405, "method " + request.getMethod() + " is not allowed on " + path + ": use POST");
        }
        String transactionId = request.getHeaders().get(DtcContext.HEADER);
        if (transactionId == null) {
            throw new Failure(400, "this endpoint must be called inside a transaction: send the header "
                    + DtcContext.HEADER + ": <id> of a transaction begun at the coordinator");
        }
        if (!Requests.TRANSACTION_ID.matcher(transactionId).matches()) {
            throw new Failure(400, "the " + DtcContext.HEADER + " header '" + abbreviate(transactionId)
                    + "' is not a valid transaction id: 1 to 64 characters from A-Z a-z 0-9 . _ ~ -");
        }
        JsonNode body = readBody(request, bodyRead);
        try {
            JsonNode result = participant.join(transactionId, c -> endpoint.handle(body, c));
            return result == null ? JSON.createObjectNode() : result;
        } catch (Refusal r) {
            throw new Failure(409, r.reason());
        } catch (JoinException e) {
            throw new Failure(e.status(), e.getMessage());
        } catch (SQLException e) {
            throw new Failure(500, "the database refused the work (" + Preparer.describe(e) + "); transaction "
                    + transactionId + " will roll back");
        } catch (IllegalStateException e) {
            LOG.error("{} cannot serve joined calls", path, e);
            throw new Failure(500, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("{} failed in transaction {}", path, transactionId, e);
            throw new Failure(500, "the service failed (" + e + "); transaction " + transactionId
                    + " will roll back");
        }
    }

    private JsonNode readBody(Request request, boolean[] bodyRead) throws Failure {
        int max = participant.maxBodyBytes();
        if (request.getLength() > max) {
            throw tooLarge(max);
        }
        byte[] bytes;
        try (InputStream in = Content.Source.asInputStream(request)) {
            bytes = in.readNBytes(max + 1);
        } catch (IOException e) {
            throw new Failure(400, "the body could not be read: " + e.getMessage());
        }
        if (bytes.length > max) {
            throw tooLarge(max);
        }
        bodyRead[0] = true;
        if (bytes.length == 0) {
            return NullNode.getInstance();
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            return node == null ? NullNode.getInstance() : node;
        } catch (JsonProcessingException e) {
            throw new Failure(400, "the body is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new Failure(400, "the body could not be read: " + e.getMessage());
        }
    }

    private static Failure tooLarge(int max) {
        return new Failure(413, "the body is over this service's limit of " + max + " bytes: send a smaller one");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    /** An error answer: status and message. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Failure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
