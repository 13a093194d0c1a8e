package dev.dtc.participant;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient} that carries the current transaction on: every request sent while a transaction is
 * {@linkplain DtcContext#current() current} on the sending thread gets the header {@value DtcContext#HEADER}
 * with its id (unless the request already has that header), so the service called joins the same transaction.
 * Outside a transaction requests go out unchanged. Everything else is the wrapped client's.
 *
 * <pre>{@code
 * HttpClient http = DtcHttpClient.propagating(HttpClient.newHttpClient());
 * try (OpenTransaction tx = dtc.begin(Duration.ofSeconds(30)); DtcContext.Scope in = tx.enter()) {
 *     http.send(reserveRequest, BodyHandlers.ofString()); // carries Dtc-Transaction: <tx.id()>
 *     tx.commit();
 * }
 * }</pre>
 *
 * <p>The context is read on the thread that calls {@code send} or {@code sendAsync}. For a client you do not
 * wrap, {@link #withTransaction(HttpRequest.Builder)} adds the header to one request.
 */
public final class DtcHttpClient extends HttpClient implements AutoCloseable {

    private final HttpClient delegate;

    private DtcHttpClient(HttpClient delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Wraps a client so that its requests carry the current transaction. */
    public static DtcHttpClient propagating(HttpClient client) {
        return client instanceof DtcHttpClient d ? d : new DtcHttpClient(client);
    }

    /** Adds {@value DtcContext#HEADER} with the current transaction's id to the builder, if one is current. */
    public static HttpRequest.Builder withTransaction(HttpRequest.Builder builder) {
        DtcContext.current().ifPresent(id -> builder.setHeader(DtcContext.HEADER, id));
        return builder;
    }

    /** The request with the current transaction's header, or the request itself if none is current or it has one. */
    static HttpRequest propagate(HttpRequest request) {
        Optional<String> current = DtcContext.current();
        if (current.isEmpty() || request.headers().firstValue(DtcContext.HEADER).isPresent()) {
            return request;
        }
        return HttpRequest.newBuilder(request, (name, value) -> true)
                .header(DtcContext.HEADER, current.get()).build();
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return delegate.send(propagate(request), handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                            HttpResponse.BodyHandler<T> handler) {
        return delegate.sendAsync(propagate(request), handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        return delegate.sendAsync(propagate(request), handler, pushPromiseHandler);
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }

    /** WebSockets are not propagated to: the handshake does not carry the transaction. */
    @Override
    public WebSocket.Builder newWebSocketBuilder() {
        return delegate.newWebSocketBuilder();
    }

    /** Closes the wrapped client where the JDK allows it (HttpClient is AutoCloseable from Java 21). */
    @Override
    public void close() {
        if (delegate instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing the HTTP client failed", e);
            }
        }
    }
}
