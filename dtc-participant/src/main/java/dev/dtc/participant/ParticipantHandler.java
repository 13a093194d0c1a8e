package dev.dtc.participant;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.MDC;

/**
 * Serves a {@link Participant} on Jetty 12 (core, no servlets) under a base path: with base {@code /tx} the
 * coordinator is given {@code http://host:port/tx} and calls {@code /tx/prepare}, {@code /tx/commit} and
 * {@code /tx/rollback}. Requests outside the base path are left to the next handler.
 *
 * <p>The token is checked before the body is read, and the body is read only up to the participant's limit, so
 * neither an unauthenticated caller nor a huge body costs more than the limit in memory.
 */
public final class ParticipantHandler extends Handler.Abstract {

    /** The coordinator's header on its calls: how long, in ms, it waits for this answer. */
    public static final String TIMEOUT_HEADER = "Dtc-Timeout-Ms";

    /**
     * The SLF4J MDC key under which the W3C {@code traceparent} the coordinator sent is set while a call is handled:
     * the service's {@link Work} runs inside it, so its log lines can show it ({@code %X{traceparent}}) and it can
     * read it with {@code MDC.get(ParticipantHandler.TRACEPARENT_MDC_KEY)}. A header that is not a traceparent is
     * not set.
     */
    public static final String TRACEPARENT_MDC_KEY = "traceparent";

    /** The shape of a W3C traceparent (version, trace id, parent id, flags, and what a later version may add). */
    private static final Pattern TRACEPARENT =
            Pattern.compile("(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}(-[\\x21-\\x7e]{0,200})?");

    private final Participant participant;
    private final String basePath;

    /**
     * @param basePath where the participant is served, e.g. {@code /tx}; {@code ""} or {@code /} for the root
     */
    public ParticipantHandler(Participant participant, String basePath) {
        this.participant = Objects.requireNonNull(participant, "participant");
        String base = Objects.requireNonNull(basePath, "basePath");
        if (!base.isEmpty() && !base.startsWith("/")) {
            throw new IllegalArgumentException("basePath must start with '/', e.g. /tx, not " + basePath);
        }
        this.basePath = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /**
     * Makes the server's header cache case-sensitive. Jetty's HTTP/1.1 parser caches header lines per connection
     * and by default matches them ignoring case, so on a kept-alive connection {@code Bearer S3CRET} after
     * {@code Bearer s3cret} would be read as the cached, right, line: the token check would ignore case. Tokens
     * are case-sensitive, so every HTTP/1.1 connector of the server this handler runs in is set to compare
     * cached lines exactly (a small cost: fewer cache hits for headers that vary only in case).
     */
    @Override
    protected void doStart() throws Exception {
        Server server = getServer();
        if (server != null) {
            for (Connector connector : server.getConnectors()) {
                for (ConnectionFactory factory : connector.getConnectionFactories()) {
                    if (factory instanceof HttpConnectionFactory http) {
                        http.getHttpConfiguration().setHeaderCacheCaseSensitive(true);
                    }
                }
            }
        }
        super.doStart();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.equals(basePath) && !path.startsWith(basePath + "/")) {
            return false;
        }
        String relative = path.substring(basePath.length());
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        Reply reply;
        if (!participant.authorized(authorization)) {
            reply = participant.handle(request.getMethod(), relative, authorization, new byte[0]);
        } else if (request.getLength() > participant.maxBodyBytes()) {
            reply = Participant.error(413, "the body is " + request.getLength() + " bytes, over this participant's"
                    + " limit of " + participant.maxBodyBytes() + " bytes: send a smaller payload");
        } else {
            String traceparent = request.getHeaders().get(TRACEPARENT_MDC_KEY);
            boolean traced = traceparent != null && TRACEPARENT.matcher(traceparent).matches()
                    && (!traceparent.startsWith("00") || traceparent.length() == 55); // version 00 has nothing more
            String previous = traced ? MDC.get(TRACEPARENT_MDC_KEY) : null;
            if (traced) {
                MDC.put(TRACEPARENT_MDC_KEY, traceparent);
            }
            try {
                reply = participant.handle(request.getMethod(), relative, authorization,
                        request.getHeaders().get(TIMEOUT_HEADER), readBody(request));
            } finally {
                if (traced && previous != null) {
                    MDC.put(TRACEPARENT_MDC_KEY, previous);
                } else if (traced) {
                    MDC.remove(TRACEPARENT_MDC_KEY);
                }
            }
        }
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (reply.status() == 405) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
        }
        if (reply.status() == 401 || reply.status() == 413) {
            // The body was left unread. Jetty then closes the connection after the answer, and a client that
            // reused it at once would see it closed without an answer: say so, so that none reuses it.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, ByteBuffer.wrap(reply.bytes()), callback);
        return true;
    }

    /** At most one byte over the limit is read: enough for {@link Participant#handle} to refuse the body. */
    private byte[] readBody(Request request) throws java.io.IOException {
        try (InputStream in = Content.Source.asInputStream(request)) {
            return in.readNBytes(participant.maxBodyBytes() + 1);
        }
    }
}
