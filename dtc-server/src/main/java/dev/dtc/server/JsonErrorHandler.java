package dev.dtc.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers that Jetty makes itself, before the API sees the request (a path with an encoded '/' or '\', a control
 * character, a malformed request line or header): {@code {"error": "..."}} with {@code Content-Type:
 * application/json}, for every method, like every other answer of the coordinator, instead of Jetty's HTML page
 * (or no body at all for methods other than GET and POST). They say {@code Connection: close}, as the API's own
 * refusals of a request whose body is left unread do.
 */
final class JsonErrorHandler extends ErrorHandler {

    private final ObjectMapper json;

    JsonErrorHandler(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        // Jetty closes the connection after these (the body, if any, is left unread): say so, or a client that
        // reuses the connection at once loses its next request to the close
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    private byte[] body(int code, String message) {
        String what = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        try {
            return json.writeValueAsBytes(Replies.error(json, "the request was refused before it reached the API: "
                    + code + " " + Replies.truncate(what) + " (see docs/http-api.md for the routes and their ids)"));
        } catch (IOException e) {
            return "{\"error\":\"the request was refused before it reached the API\"}".getBytes(StandardCharsets.UTF_8);
        }
    }
}
