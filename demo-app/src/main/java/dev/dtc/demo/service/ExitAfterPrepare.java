package dev.dtc.demo.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code serve --exit-after-prepare}: the service answers its first prepare with a COMMIT vote, and once the answer
 * is written to the coordinator's connection the JVM halts ({@code Runtime.halt}: no shutdown hook, like a power
 * cut). The coordinator has the vote, decides to commit, and finds the service gone when it sends commit: it
 * retries until the service is started again, whose recovery (and the coordinator's retry) finishes the branch.
 *
 * <p>Unlike the kit's test hook {@code dtc.participant.fault=halt-after-prepare}, which halts before the vote is
 * sent (so the coordinator never hears it and rolls back), this halts after.
 */
final class ExitAfterPrepare extends Handler.Wrapper {

    static final int EXIT_STATUS = 99;

    private final String service;
    /** Set before the COMMIT vote goes on the wire: from then on this service is down for every call. */
    private volatile boolean halting;

    ExitAfterPrepare(String service, Handler participant) {
        super(participant);
        this.service = service;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (halting) {
            // the coordinator's commit (or anything else) after the vote: the service is already "down"
            halt(0);
        }
        if (!Request.getPathInContext(request).endsWith("/prepare")) {
            return super.handle(request, response, callback);
        }
        StringBuilder body = new StringBuilder();
        Response spy = new Response.Wrapper(request, response) {
            @Override
            public void write(boolean last, ByteBuffer content, Callback cb) {
                if (content != null) {
                    body.append(StandardCharsets.UTF_8.decode(content.slice()));
                }
                if (body.toString().contains("\"vote\":\"COMMIT\"")) {
                    halting = true;
                }
                super.write(last, content, cb);
            }
        };
        Callback thenHalt = new Callback() {
            @Override
            public void succeeded() {
                callback.succeeded();
                if (halting) {
                    new Thread(() -> halt(100), "exit-after-prepare").start(); // the vote is written: let it go out
                }
            }

            @Override
            public void failed(Throwable x) {
                callback.failed(x);
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        };
        return super.handle(request, spy, thenHalt);
    }

    private void halt(long afterMillis) {
        try {
            Thread.sleep(afterMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.err.println(service + ": --exit-after-prepare: voted COMMIT and sent the vote; halting now (exit "
                + EXIT_STATUS + "). Start the service again (./demo up) and the coordinator's retries and the"
                + " service's recovery commit the prepared branch.");
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_STATUS);
    }
}
