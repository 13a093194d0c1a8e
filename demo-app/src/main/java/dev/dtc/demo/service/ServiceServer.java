package dev.dtc.demo.service;

import dev.dtc.participant.Participant;
import dev.dtc.participant.ParticipantHandler;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A shop service on Jetty 12 (the coordinator's HTTP library): the participant kit's handler under {@code /tx},
 * so the coordinator is given {@code http://host:port/tx} and calls {@code /tx/prepare}, {@code /tx/commit} and
 * {@code /tx/rollback}; and the service's own API under {@code /api} ({@link ChainedApi}).
 */
public final class ServiceServer implements AutoCloseable {

    public static final String BASE_PATH = "/tx";

    private final Server jetty;
    private final ServerConnector connector;
    private final String host;

    private ServiceServer(Server jetty, ServerConnector connector, String host) {
        this.jetty = jetty;
        this.connector = connector;
        this.host = host;
    }

    /**
     * Listens (so the port, and the URL to advertise, are known before the participant is built), but serves
     * nothing until {@link #serve}.
     *
     * @param bind the address to listen on (127.0.0.1; 0.0.0.0 in a container)
     * @param port 0 for a free one
     */
    public static ServiceServer bind(String service, String bind, int port) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(200, 4);
        threads.setName(service + "-http");
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(bind);
        connector.setPort(port);
        jetty.addConnector(connector);
        try {
            connector.open();
        } catch (Exception e) {
            jetty.stop();
            throw new IllegalStateException("cannot listen on " + bind + ":" + port + ": " + e.getMessage()
                    + (port != 0 ? " (is another process using the port? --port 0 picks a free one)" : ""), e);
        }
        String host = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
        return new ServiceServer(jetty, connector, host);
    }

    /**
     * Serves the participant under {@link #BASE_PATH} and the service's own API beside it.
     *
     * @param exitAfterPrepare halt the JVM once the first COMMIT vote is sent ({@link ExitAfterPrepare})
     */
    public ServiceServer serve(String service, Participant participant, Handler api, boolean exitAfterPrepare)
            throws Exception {
        Handler tx = new ParticipantHandler(participant, BASE_PATH);
        Handler handler = new Handler.Sequence(exitAfterPrepare ? new ExitAfterPrepare(service, tx) : tx, api);
        jetty.setHandler(ChainedApi.guard(service, handler));
        try {
            jetty.start();
        } catch (Exception e) {
            jetty.stop();
            throw new IllegalStateException("cannot serve on " + url() + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** The URL to give the coordinator: {@code http://127.0.0.1:PORT/tx}. */
    public String url() {
        return "http://" + host + ":" + connector.getLocalPort() + BASE_PATH;
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
