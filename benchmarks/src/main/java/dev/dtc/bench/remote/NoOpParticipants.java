package dev.dtc.bench.remote;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Participants that do no work: {@code POST .../prepare} votes COMMIT, {@code .../commit} and {@code .../rollback}
 * answer 200 with an empty body, as fast as Jetty can.
 *
 * <p>One Jetty server with one connector per participant, each on its own port picked by the system: the
 * coordinator's HTTP client keeps a connection pool per host and port, so three ports behave like three
 * services, while one thread pool keeps the benchmark's own footprint on the shared two cores small. The
 * handler never blocks: it drains the body asynchronously (a body left unread could make Jetty close the
 * connection instead of keeping it alive) and then answers.
 *
 * <p>It checks the bearer token, so a coordinator that forgets it is refused and the run's check fails, and it
 * counts every call so the harness can check each committed transaction really ran prepare and commit on every
 * participant.
 */
final class NoOpParticipants implements AutoCloseable {

    private static final long IDLE_TIMEOUT_MS = 30 * 60 * 1000L;
    private static final byte[] COMMIT_VOTE = "{\"vote\":\"COMMIT\"}".getBytes(StandardCharsets.UTF_8);

    /** Calls received since the last {@link #reset()}; refused ones had a wrong token or path. */
    static final class Counts {
        final LongAdder prepares = new LongAdder();
        final LongAdder commits = new LongAdder();
        final LongAdder rollbacks = new LongAdder();
        final LongAdder refused = new LongAdder();

        @Override
        public String toString() {
            return prepares.sum() + " prepare, " + commits.sum() + " commit, " + rollbacks.sum() + " rollback, "
                    + refused.sum() + " refused";
        }
    }

    private final Server jetty;
    private final List<ServerConnector> connectors = new ArrayList<>();
    private final Counts counts = new Counts();

    private NoOpParticipants(int count, String token) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName("noop-participant");
        jetty = new Server(threads);
        for (int i = 0; i < count; i++) {
            ServerConnector c = new ServerConnector(jetty);
            c.setHost("127.0.0.1");
            c.setPort(0);
            // longer than any pause between points: the coordinator's client keeps these connections between its
            // points, and a connection the server closes while idle can fail the next request that reuses it
            c.setIdleTimeout(IDLE_TIMEOUT_MS);
            jetty.addConnector(c);
            connectors.add(c);
        }
        jetty.setHandler(new NoOpHandler(("Bearer " + token), counts));
    }

    /** Starts {@code count} participants that accept calls carrying {@code Authorization: Bearer token}. */
    static NoOpParticipants start(int count, String token) throws Exception {
        NoOpParticipants p = new NoOpParticipants(count, token);
        p.jetty.start();
        return p;
    }

    /** Base URLs, one per participant: {@code http://127.0.0.1:PORT/pN}; the calls go to {@code {url}/prepare} etc. */
    List<URI> urls() {
        List<URI> urls = new ArrayList<>();
        for (int i = 0; i < connectors.size(); i++) {
            urls.add(URI.create("http://127.0.0.1:" + connectors.get(i).getLocalPort() + "/p" + (i + 1)));
        }
        return urls;
    }

    Counts counts() {
        return counts;
    }

    void reset() {
        counts.prepares.reset();
        counts.commits.reset();
        counts.rollbacks.reset();
        counts.refused.reset();
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }

    /** The three calls, answered without work; anything else is refused. */
    private static final class NoOpHandler extends Handler.Abstract {
        private final String authorization;
        private final Counts counts;

        NoOpHandler(String authorization, Counts counts) {
            this.authorization = authorization;
            this.counts = counts;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = Request.getPathInContext(request);
            if (!"POST".equals(request.getMethod())
                    || !authorization.equals(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
                counts.refused.increment();
                response.setStatus(401);
                response.write(true, BufferUtil.EMPTY_BUFFER, callback);
                return true;
            }
            final byte[] answer;
            if (path.endsWith("/prepare")) {
                counts.prepares.increment();
                answer = COMMIT_VOTE;
            } else if (path.endsWith("/commit")) {
                counts.commits.increment();
                answer = null;
            } else if (path.endsWith("/rollback")) {
                counts.rollbacks.increment();
                answer = null;
            } else {
                counts.refused.increment();
                response.setStatus(404);
                response.write(true, BufferUtil.EMPTY_BUFFER, callback);
                return true;
            }
            Content.Source.consumeAll(request, Callback.from(() -> {
                if (answer == null) {
                    response.write(true, BufferUtil.EMPTY_BUFFER, callback);
                } else {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    response.write(true, ByteBuffer.wrap(answer), callback);
                }
            }, callback::failed));
            return true;
        }
    }
}
