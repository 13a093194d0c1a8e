package dev.dtc.demo;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The URLs {@code ./demo up} started the services on, which it writes to {@code DATA_DIR/remote/endpoints}
 * ({@code orders=http://127.0.0.1:9001/tx}, ...): place-order's defaults in remote mode, so that services started
 * on other ports need no options.
 */
final class Endpoints {

    private final Properties urls;

    private Endpoints(Properties urls) {
        this.urls = urls;
    }

    /** The file's URLs; none if it does not exist or cannot be read. */
    static Endpoints read(Path file) {
        Properties p = new Properties();
        if (Files.isReadable(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                // the defaults below serve
            }
        }
        return new Endpoints(p);
    }

    /** The option if given, else the environment's DTC_DEMO_<SERVICE>_URL, else the file's, else the fixed default. */
    String serviceUrl(String service, String option, int defaultPort) {
        if (option != null && !option.isBlank()) {
            return option;
        }
        String env = System.getenv("DTC_DEMO_" + service.toUpperCase(java.util.Locale.ROOT) + "_URL");
        if (env != null && !env.isBlank()) {
            return env;
        }
        return urls.getProperty(service, "http://127.0.0.1:" + defaultPort + "/tx");
    }
}
