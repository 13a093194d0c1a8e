package dev.dtc.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dtc.log.LogInspector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dtc-admin}: the operator's command line for a running dtc-server (list what needs attention, resolve a
 * reconciled transaction) and for a log directory offline (inspect-log). Exit codes: 0 done; 1 the coordinator
 * refused the request, or the log could not be read; 2 bad usage (options, missing token); 3 the coordinator could
 * not be used (unreachable, no answer in time, wrong token, starting, internal error).
 */
@Command(name = "dtc-admin", mixinStandardHelpOptions = true,
        subcommands = {AdminMain.ListCommand.class, AdminMain.ResolveCommand.class, AdminMain.InspectLog.class,
                AdminMain.LeasesCommand.class},
        description = {"Operate a dtc coordinator: list the transactions that need attention, resolve one that was"
                + " reconciled by hand, inspect a decision log offline."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:done", "1:refused by the coordinator, or the log could not be read",
                "2:bad usage (options, missing token)", "3:the coordinator could not be used (unreachable, no answer in time, wrong token, starting,"
                        + " internal error)"})
public final class AdminMain implements Runnable {
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Environment variables, replaceable by tests. */
    Map<String, String> env = System.getenv();

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv()));
    }

    /** Runs one command line and returns its exit code; for tests and wrappers. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        AdminMain main = new AdminMain();
        main.env = env;
        CommandLine cl = new CommandLine(main);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof Failure f) {
                line.getErr().println("dtc-admin: " + f.getMessage());
                line.getErr().flush();
                return f.code;
            }
            line.getErr().println("dtc-admin: " + e);
            line.getErr().flush();
            return UNAVAILABLE;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give a command: list, resolve, inspect-log or leases");
    }

    /** A failure with its exit code and a message for the operator. */
    static final class Failure extends RuntimeException {
        final int code;

        Failure(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** How to reach the coordinator, shared by list and resolve. */
    static final class Remote {
        @Option(names = "--coordinator", required = true, paramLabel = "URL",
                description = "the coordinator's base URL, e.g. http://127.0.0.1:8080")
        String coordinator;

        @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the bearer token (default:"
                + " the DTC_TOKEN environment variable)")
        Path tokenFile;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
                description = "how long to wait for the coordinator (default: ${DEFAULT-VALUE})")
        int timeoutSeconds;

        @Option(names = "--json", description = "print the coordinator's JSON answer instead of a table")
        boolean json;

        URI base(CommandLine cl) {
            URI u;
            try {
                u = URI.create(coordinator.endsWith("/") ? coordinator.substring(0, coordinator.length() - 1)
                        : coordinator);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--coordinator " + coordinator + " is not a URL");
            }
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new CommandLine.ParameterException(cl, "--coordinator must be an http:// or https:// URL with"
                        + " a host, e.g. http://127.0.0.1:8080; was " + coordinator);
            }
            return u;
        }

        String token(CommandLine cl, Map<String, String> env) {
            String t;
            if (tokenFile != null) {
                try {
                    t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new CommandLine.ParameterException(cl, "--token-file " + tokenFile + " cannot be read: " + e);
                }
            } else {
                t = env.get("DTC_TOKEN");
            }
            if (t == null || t.isBlank()) {
                throw new CommandLine.ParameterException(cl, "no bearer token: set DTC_TOKEN or pass --token-file FILE"
                        + " (the coordinator's token)");
            }
            return t.strip();
        }

        /** Sends the request; returns the answer of a 2xx, throws a {@link Failure} for anything else. */
        JsonNode call(CommandLine cl, Map<String, String> env, String method, String path, String body) {
            URI base = base(cl);
            String token = token(cl, env);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(timeoutSeconds))
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json");
            if (body != null) {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r;
            try {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(Math.min(10, timeoutSeconds))).build();
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new Failure(UNAVAILABLE, "cannot reach the coordinator at " + base + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(UNAVAILABLE, "interrupted");
            }
            JsonNode answer;
            try {
                answer = r.body().isEmpty() ? null : JSON.readTree(r.body());
            } catch (IOException e) {
                answer = null;
            }
            int s = r.statusCode();
            if (s >= 200 && s < 300 && answer != null) {
                return answer;
            }
            String said = answer != null && answer.hasNonNull("error") ? answer.get("error").asText()
                    : "HTTP " + s + (r.body().isEmpty() ? "" : ": " + r.body().substring(0, Math.min(200, r.body().length())));
            if (s == 401) {
                throw new Failure(UNAVAILABLE, "the coordinator refused the token (401): " + said);
            }
            if (s >= 400 && s < 500) {
                throw new Failure(REFUSED, "refused (" + s + "): " + said);
            }
            throw new Failure(UNAVAILABLE, "the coordinator could not answer (" + s + "): " + said);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the transactions that need attention: pending (begun, not decided), in-doubt"
                    + " (decided to commit, some participant has not acknowledged) and heuristic (a participant"
                    + " decided on its own), each with its participants.")
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.ParentCommand
        AdminMain parent;

        @Mixin
        Remote remote;

        @Option(names = "--state", paramLabel = "STATE", description = "only this state: in-doubt, heuristic or"
                + " pending (default: all three)")
        String state;

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            if (state != null && !List.of("in-doubt", "heuristic", "pending").contains(state)) {
                throw new CommandLine.ParameterException(cl, "--state must be in-doubt, heuristic or pending; was "
                        + state);
            }
            String path = "/v1/transactions" + (state == null ? ""
                    : "?state=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
            JsonNode answer = remote.call(cl, parent.env, "GET", path, null);
            PrintWriter out = cl.getOut();
            if (remote.json) {
                out.println(pretty(answer));
                return 0;
            }
            out.print(table(answer.path("transactions")));
            return 0;
        }
    }

    /** The list as a table: one row per participant, the transaction's columns on its first row. */
    static String table(JsonNode transactions) {
        if (transactions.isEmpty()) {
            return "nothing needs attention\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"STATE", "ID", "OUTCOME", "PHASE2", "PARTICIPANT", "VOTE", "ACK", "HEURISTIC", "URL"});
        List<String> notes = new ArrayList<>();
        for (JsonNode t : transactions) {
            String[] tx = {t.path("state").asText(), t.path("id").asText(), t.path("outcome").asText(),
                    t.path("phase2").asText("-")};
            JsonNode ps = t.path("participants");
            if (ps.isEmpty()) {
                rows.add(new String[] {tx[0], tx[1], tx[2], tx[3], "-", "", "", "", ""});
            }
            boolean first = true;
            for (JsonNode p : ps) {
                String[] row = new String[9];
                for (int i = 0; i < 4; i++) {
                    row[i] = first ? tx[i] : "";
                }
                row[4] = p.path("name").asText();
                row[5] = p.path("vote").isNull() ? "-" : p.path("vote").asText("-");
                row[6] = p.path("acknowledged").asBoolean() ? "yes" : "no";
                row[7] = p.path("heuristic").asText("");
                row[8] = p.path("url").asText("");
                rows.add(row);
                first = false;
            }
            for (JsonNode h : t.path("heuristics")) {
                notes.add(t.path("id").asText() + ": " + (h.has("participant") ? h.get("participant").asText() + ": "
                        : "") + h.path("detail").asText());
            }
        }
        int[] width = new int[9];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]).append(" ".repeat(width[i] - r[i].length() + 2));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        sb.append(transactions.size()).append(" transaction(s) need attention\n");
        for (String n : notes) {
            sb.append("heuristic ").append(n).append('\n');
        }
        return sb.toString();
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true,
            description = "End a heuristic or in-doubt transaction after reconciling its participants by hand: the"
                    + " outcome they hold now and why go to the coordinator's log, audit trail and outcome history.")
    static final class ResolveCommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.ParentCommand
        AdminMain parent;

        @Mixin
        Remote remote;

        @Parameters(index = "0", paramLabel = "ID", description = "the transaction id")
        String id;

        @Option(names = "--outcome", required = true, paramLabel = "OUTCOME",
                description = "COMMITTED or ROLLED_BACK: what the participants hold after you reconciled them")
        String outcome;

        @Option(names = "--reason", required = true, paramLabel = "TEXT",
                description = "what you checked and did (kept in the audit trail and the transaction's answer)")
        String reason;

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            if (!outcome.equals("COMMITTED") && !outcome.equals("ROLLED_BACK")) {
                throw new CommandLine.ParameterException(cl, "--outcome must be COMMITTED or ROLLED_BACK; was "
                        + outcome);
            }
            if (reason.isBlank()) {
                throw new CommandLine.ParameterException(cl, "--reason must say what you checked and did");
            }
            ObjectNode body = JSON.createObjectNode();
            body.put("outcome", outcome);
            body.put("reason", reason);
            JsonNode answer = remote.call(cl, parent.env, "POST", "/v1/transactions/"
                    + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/resolve", body.toString());
            PrintWriter out = cl.getOut();
            if (remote.json) {
                out.println(pretty(answer));
                return 0;
            }
            JsonNode r = answer.path("resolution");
            out.println("resolved " + answer.path("id").asText() + " as " + r.path("outcome").asText() + " (it was "
                    + r.path("state").asText() + ", decided " + r.path("decided").asText() + ") at "
                    + r.path("at").asText() + ": " + r.path("reason").asText());
            return 0;
        }
    }

    @Command(name = "inspect-log", mixinStandardHelpOptions = true,
            description = "Print what a decision log directory holds (DATA_DIR/log of dtc-server, or the logDirectory"
                    + " of an embedded coordinator): its node, segments, damage, and the pending transactions"
                    + " start-up would find. Reads only; works offline and beside a running coordinator.")
    static final class InspectLog implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "the log directory")
        Path dir;

        @Option(names = "--records", description = "also list every record of every segment")
        boolean records;

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            if (!Files.isDirectory(dir)) {
                throw new CommandLine.ParameterException(cl, dir + " is not a directory (give the log directory,"
                        + " e.g. DATA_DIR/log of dtc-server)");
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
                LogInspector.print(dir, ps, records);
            } catch (IOException e) {
                cl.getOut().print(buf.toString(StandardCharsets.UTF_8));
                throw new Failure(REFUSED, "could not read " + dir + ": " + e);
            }
            cl.getOut().print(buf.toString(StandardCharsets.UTF_8));
            return 0;
        }
    }

    @Command(name = "leases", mixinStandardHelpOptions = true,
            description = "Print the coordinators of a shared store: each node's lease (epoch, holder, URL, until"
                    + " when) and how many of its decisions are pending. Reads only.")
    static final class LeasesCommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--store", required = true, paramLabel = "URL",
                description = "the shared store: postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]")
        String store;

        @Override
        public Integer call() {
            CommandLine cl = spec.commandLine();
            dev.dtc.store.postgresql.StoreUrl url;
            try {
                url = dev.dtc.store.postgresql.StoreUrl.parse(store);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            java.util.Properties props = new java.util.Properties();
            if (url.user() != null) {
                props.setProperty("user", url.user());
            }
            if (url.password() != null) {
                props.setProperty("password", url.password());
            }
            if (url.schema() != null) {
                props.setProperty("currentSchema", url.schema());
            }
            String sql = "SELECT n.node, n.epoch, n.holder, n.url, n.expires_at, n.expires_at < now(), n.settled,"
                    + " (SELECT count(DISTINCT r.tx_id) FROM dtc_record r WHERE r.node = n.node)"
                    + " FROM dtc_node n ORDER BY n.node";
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(url.jdbcUrl(), props);
                 java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
                PrintWriter out = cl.getOut();
                out.printf("%-20s %6s %-9s %8s  %-40s %s%n", "NODE", "EPOCH", "STATE", "PENDING", "HOLDER", "URL");
                while (rs.next()) {
                    String holder = rs.getString(3);
                    String state = holder == null ? (rs.getBoolean(7) ? "settled" : "released")
                            : rs.getBoolean(6) ? "expired" : holder.endsWith(" takeover") ? "taken" : "live";
                    out.printf("%-20s %6d %-9s %8d  %-40s %s%n", rs.getString(1), rs.getLong(2), state,
                            rs.getLong(8), holder == null ? "-" : holder, rs.getString(4) == null ? "-"
                                    : rs.getString(4));
                }
                return 0;
            } catch (java.sql.SQLException e) {
                throw new Failure(UNAVAILABLE, "cannot read the leases in " + url.describe() + ": " + e.getMessage()
                        + (e.getMessage() != null && e.getMessage().contains("dtc_node") ? " (no coordinator has"
                        + " used this store yet?)" : ""));
            }
        }
    }

    private static String pretty(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (IOException e) {
            return n.toString();
        }
    }
}
