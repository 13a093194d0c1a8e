package dev.dtc.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** How every route of the API answers: a JSON body with a status, errors as {@code {"error": "..."}}. */
final class Replies {

    private Replies() {
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
