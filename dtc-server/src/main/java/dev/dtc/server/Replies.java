package dev.dtc.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** How every route of the API answers: a JSON body with a status, errors as {@code {"error": "..."}}. */
final class Replies {

    private Replies() {
    }

    private static final String BODY_READ = "dev.dtc.server.bodyRead";

    /** The request's body has been read to its end. */
    static void bodyRead(Request request) {
        request.setAttribute(BODY_READ, Boolean.TRUE);
    }

    static ObjectNode error(ObjectMapper json, String message) {
        ObjectNode o = json.createObjectNode();
        o.put("error", message);
        return o;
    }

    static boolean send(ObjectMapper json, Response response, Callback callback, int status, ObjectNode body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            bytes = "{\"error\":\"could not encode the answer\"}".getBytes(StandardCharsets.UTF_8);
            status = 500;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Request request = response.getRequest();
        if (request.getLength() != 0 && request.getAttribute(BODY_READ) == null) {
            // Answered without reading its body (refused before): Jetty then closes the connection after the
            // answer without saying so, and a client that reused it at once would find it closed without an
            // answer. Say it, so that none reuses it.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, ByteBuffer.wrap(bytes), callback);
        return true;
    }

    /** A value quoted in an error, cut to 80 characters. */
    static String truncate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** The first line of a parser's message (Jackson's go on with a source excerpt). */
    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
