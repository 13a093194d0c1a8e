package dev.dtc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's side against a coordinator process and participant services over real HTTP: what needs attention
 * is listed, a reconciled transaction is resolved (and stays resolved across a restart), refusals change nothing,
 * and dtc-admin runs as a process of its own.
 */
class OperatorTest {
    private static final String TOKEN = "op-secret";

    @TempDir
    Path dir;
    final List<TestParticipant> participants = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (TestParticipant p : participants) {
            p.close();
        }
    }

    TestParticipant participant(String name) throws Exception {
        TestParticipant p = new TestParticipant(name);
        participants.add(p);
        return p;
    }

    static JsonNode find(JsonNode list, String id) {
        for (JsonNode t : list.get("transactions")) {
            if (t.get("id").asText().equals(id)) {
                return t;
            }
        }
        return null;
    }

    static JsonNode participant(JsonNode answer, String name) {
        for (JsonNode p : answer.get("participants")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError(name + " not in " + answer);
    }

    /** dtc-admin in a JVM of its own, as an operator runs it. */
    record Run(int code, String out, String err) {
    }

    static Run admin(String token, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "dev.dtc.server.admin.AdminMain"));
        command.addAll(List.of(args));
        File out = File.createTempFile("dtc-admin-", ".out");
        File err = File.createTempFile("dtc-admin-", ".err");
        ProcessBuilder b = new ProcessBuilder(command).redirectOutput(out).redirectError(err)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        b.environment().remove("DTC_TOKEN");
        if (token != null) {
            b.environment().put("DTC_TOKEN", token);
        }
        Process p = b.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("dtc-admin did not finish: " + String.join(" ", args));
        }
        Run r = new Run(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
        out.delete();
        err.delete();
        return r;
    }

    private static void awaitUp(Api api) {
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/health").status() == 200);
    }

    @Test
    void aParticipantThatNeverAcknowledgesIsInDoubtUntilResolvedAndStaysEndedAcrossARestart() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant ledger = participant("ledger");
        ledger.failPhaseTwo.set(1_000_000); // answers every commit with 503
        TestParticipant other = participant("other");
        String id;
        String finished;
        try (ServerProcess server = ServerProcess.start(dir, "op-a", TOKEN)) {
            Api api = new Api(server.url, TOKEN);
            awaitUp(api);
            Api.Answer a = api.post(Api.transaction(10_000, orders, ledger));
            assertThat(a.status()).isEqualTo(200);
            id = a.body().get("id").asText();
            assertThat(a.body().get("outcome").asText()).isEqualTo("COMMITTED");
            assertThat(a.body().get("phase2").asText()).isEqualTo("PENDING");
            Api.Answer done = api.post(Api.transaction(10_000, other));
            finished = done.body().get("id").asText();
            assertThat(done.body().get("phase2").asText()).isEqualTo("COMPLETE");

            JsonNode inDoubt = api.get("/v1/transactions?state=in-doubt").body();
            JsonNode t = find(inDoubt, id);
            assertThat(t).as("listed as in-doubt: %s", inDoubt).isNotNull();
            assertThat(t.get("state").asText()).isEqualTo("in-doubt");
            assertThat(t.get("outcome").asText()).isEqualTo("COMMITTED");
            assertThat(participant(t, "ledger").get("acknowledged").asBoolean()).isFalse();
            assertThat(participant(t, "ledger").get("vote").asText()).isEqualTo("COMMIT");
            assertThat(participant(t, "ledger").get("url").asText()).isEqualTo(ledger.url());
            assertThat(participant(t, "orders").get("acknowledged").asBoolean()).isTrue();
            assertThat(t.has("events")).isFalse();
            assertThat(find(inDoubt, finished)).isNull();
            assertThat(find(api.get("/v1/transactions?state=heuristic").body(), id)).isNull();
            assertThat(find(api.get("/v1/transactions?state=pending").body(), id)).isNull();
            JsonNode all = api.get("/v1/transactions").body();
            assertThat(find(all, id).get("state").asText()).isEqualTo("in-doubt");
            assertThat(all.get("states").toString()).isEqualTo("[\"pending\",\"in-doubt\",\"heuristic\"]");

            // bad queries
            Api.Answer bad = api.get("/v1/transactions?state=stuck");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body().get("error").asText()).contains("'stuck'", "in-doubt", "heuristic", "pending");
            assertThat(api.get("/v1/transactions?status=in-doubt").body().get("error").asText())
                    .contains("unknown query parameter 'status'");
            assertThat(api.get("/v1/transactions?state=in-doubt&state=pending").status()).isEqualTo(400);

            // the decision is in the log: inspect-log (reads beside the running coordinator) shows it pending
            Run inspect = admin(null, "inspect-log", dir.resolve("log").toString());
            assertThat(inspect.code()).as(inspect.err()).isZero();
            assertThat(inspect.out()).contains("pending " + id);

            // refusals change nothing
            String path = "/v1/transactions/" + id + "/resolve";
            assertRefused(api.postTo(path, "{\"outcome\":\"COMMITTED\",\"reason\":\"ok\",\"by\":\"me\"}"), 400,
                    "unknown field \"by\"");
            assertRefused(api.postTo(path, "{\"outcome\":\"COMMITTED\"}"), 400, "\"reason\" is required");
            assertRefused(api.postTo(path, "{\"outcome\":\"COMMITTED\",\"reason\":\"  \"}"), 400, "\"reason\" is required");
            assertRefused(api.postTo(path, "{\"outcome\":\"ABORTED\",\"reason\":\"x\"}"), 400, "\"outcome\" is required");
            assertRefused(api.postTo(path, "not json"), 400, "not valid JSON");
            assertRefused(api.postTo(path, "[]"), 400, "JSON object");
            assertRefused(api.postTo("/v1/transactions/op-a~nothing~1/resolve",
                    "{\"outcome\":\"COMMITTED\",\"reason\":\"x\"}"), 404, "nothing to resolve");
            assertRefused(api.postTo("/v1/transactions/" + finished + "/resolve",
                    "{\"outcome\":\"COMMITTED\",\"reason\":\"x\"}"), 409, "is finished (COMMITTED, phase2 COMPLETE)");
            assertRefused(api.postTo("/v1/transactions/elsewhere~x~1/resolve",
                    "{\"outcome\":\"COMMITTED\",\"reason\":\"x\"}"), 421, "not begun by this coordinator");
            Api.Answer wrongMethod = api.get(path);
            assertThat(wrongMethod.status()).isEqualTo(405);
            assertThat(wrongMethod.headers().get("allow")).containsExactly("POST");
            JsonNode still = find(api.get("/v1/transactions?state=in-doubt").body(), id);
            assertThat(still).isNotNull();
            assertThat(api.get("/v1/transactions/" + id).body().has("resolution")).isFalse();

            // dtc-admin resolves it (in-process, captured)
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            int code = dev.dtc.server.admin.AdminMain.run(new String[] {"resolve", id, "--outcome", "COMMITTED",
                    "--reason", "ledger row 42 checked by hand: committed", "--coordinator", server.url},
                    new java.io.PrintWriter(out), new java.io.PrintWriter(err), java.util.Map.of("DTC_TOKEN", TOKEN));
            assertThat(code).as(err.toString()).isZero();
            assertThat(out.toString()).contains("resolved " + id + " as COMMITTED", "it was in-doubt",
                    "ledger row 42 checked by hand");

            JsonNode g = api.get("/v1/transactions/" + id).body();
            assertThat(g.get("outcome").asText()).isEqualTo("COMMITTED");
            assertThat(g.get("phase2").asText()).isEqualTo("RESOLVED");
            assertThat(g.get("resolution").get("reason").asText()).isEqualTo("ledger row 42 checked by hand: committed");
            assertThat(g.get("resolution").get("state").asText()).isEqualTo("in-doubt");
            assertThat(g.get("events").toString()).contains("\"type\":\"RESOLVED\"");
            assertThat(find(api.get("/v1/transactions").body(), id)).isNull();
            assertRefused(api.postTo(path, "{\"outcome\":\"ROLLED_BACK\",\"reason\":\"again\"}"), 409, "already resolved");
            await().atMost(Duration.ofSeconds(10)).until(() -> server.log().contains("RESOLVED tx=" + id));
        }
        // the END is in the log: the decision is no longer pending, offline or after a restart
        Run inspect = admin(null, "inspect-log", dir.resolve("log").toString());
        assertThat(inspect.code()).as(inspect.err()).isZero();
        assertThat(inspect.out()).doesNotContain("pending " + id);
        int commitsBefore = ledger.calls("commit").size();
        try (ServerProcess again = ServerProcess.start(dir, "op-a", TOKEN)) {
            Api api = new Api(again.url, TOKEN);
            awaitUp(api); // after the first recovery pass, which would have sent commit to ledger again
            assertThat(find(api.get("/v1/transactions").body(), id)).isNull();
            assertThat(ledger.calls("commit")).hasSize(commitsBefore);
            JsonNode g = api.get("/v1/transactions/" + id).body();
            assertThat(g.get("resolution").get("outcome").asText()).isEqualTo("COMMITTED");
            assertThat(g.get("resolution").get("reason").asText()).isEqualTo("ledger row 42 checked by hand: committed");
        }
    }

    private static void assertRefused(Api.Answer a, int status, String says) {
        assertThat(a.status()).as("%s", a.body()).isEqualTo(status);
        assertThat(a.body().get("error").asText()).contains(says);
    }

    @Test
    void aHeuristicIsListedForAnOperatorAndDtcAdminResolvesIt() throws Exception {
        TestParticipant orders = participant("orders");
        TestParticipant ledger = participant("ledger");
        ledger.phaseTwoStatus = 409;
        ledger.phaseTwoBody = "{\"heuristic\":\"ROLLED_BACK\",\"reason\":\"an operator rolled it back\"}";
        String id;
        try (ServerProcess server = ServerProcess.start(dir, "op-b", TOKEN)) {
            Api api = new Api(server.url, TOKEN);
            awaitUp(api);
            Api.Answer a = api.post(Api.transaction(10_000, orders, ledger));
            assertThat(a.status()).isEqualTo(200);
            id = a.body().get("id").asText();
            assertThat(a.body().get("outcome").asText()).isEqualTo("COMMITTED");
            assertThat(a.body().get("phase2").asText()).isEqualTo("PENDING");
            assertThat(participant(a.body(), "ledger").get("heuristic").asText()).isEqualTo("ROLLED_BACK");
            assertThat(participant(a.body(), "ledger").get("acknowledged").asBoolean()).isFalse();
            assertThat(a.body().get("events").toString()).contains("\"type\":\"HEURISTIC\"");

            JsonNode t = find(api.get("/v1/transactions?state=heuristic").body(), id);
            assertThat(t).isNotNull();
            assertThat(t.get("heuristics").get(0).get("participant").asText()).isEqualTo("ledger");
            assertThat(t.get("heuristics").get(0).get("detail").asText()).contains("XA_HEURRB", "ROLLED_BACK");
            assertThat(find(api.get("/v1/transactions?state=in-doubt").body(), id)).isNull();

            // the HEURISTIC record is in the log
            Run inspect = admin(null, "inspect-log", dir.resolve("log").toString());
            assertThat(inspect.out()).contains("pending " + id).contains("heuristic: ");

            Run list = admin(TOKEN, "list", "--state", "heuristic", "--coordinator", server.url);
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(list.out()).contains("STATE", id, "heuristic", "ledger", "ROLLED_BACK",
                    "1 transaction(s) need attention");
            Run json = admin(TOKEN, "list", "--json", "--coordinator", server.url);
            assertThat(json.code()).isZero();
            assertThat(find(Api.JSON.readTree(json.out()), id).get("state").asText()).isEqualTo("heuristic");

            // errors of dtc-admin, with their exit codes
            Run wrongToken = admin("nope", "list", "--coordinator", server.url);
            assertThat(wrongToken.code()).isEqualTo(3);
            assertThat(wrongToken.err()).contains("refused the token");
            Run noToken = admin(null, "list", "--coordinator", server.url);
            assertThat(noToken.code()).isEqualTo(2);
            assertThat(noToken.err()).contains("DTC_TOKEN");
            Run badOutcome = admin(TOKEN, "resolve", id, "--outcome", "MAYBE", "--reason", "x", "--coordinator",
                    server.url);
            assertThat(badOutcome.code()).isEqualTo(2);
            assertThat(badOutcome.err()).contains("COMMITTED or ROLLED_BACK");
            Run unknown = admin(TOKEN, "resolve", "op-b~none~1", "--outcome", "COMMITTED", "--reason", "x",
                    "--coordinator", server.url);
            assertThat(unknown.code()).isEqualTo(1);
            assertThat(unknown.err()).contains("404", "nothing to resolve");
            assertThat(find(api.get("/v1/transactions?state=heuristic").body(), id)).isNotNull();

            Run resolve = admin(TOKEN, "resolve", id, "--outcome", "ROLLED_BACK", "--reason",
                    "orders compensated by hand, ledger had rolled back", "--coordinator", server.url);
            assertThat(resolve.code()).as(resolve.err()).isZero();
            assertThat(resolve.out()).contains("resolved " + id + " as ROLLED_BACK", "it was heuristic",
                    "decided COMMITTED");

            JsonNode g = api.get("/v1/transactions/" + id).body();
            assertThat(g.get("outcome").asText()).isEqualTo("ROLLED_BACK");
            assertThat(g.get("resolution").get("decided").asText()).isEqualTo("COMMITTED");
            assertThat(g.get("resolution").get("state").asText()).isEqualTo("heuristic");
            Run empty = admin(TOKEN, "list", "--coordinator", server.url);
            assertThat(empty.out()).contains("nothing needs attention");
        }
        try (ServerProcess again = ServerProcess.start(dir, "op-b", TOKEN)) {
            Api api = new Api(again.url, TOKEN);
            awaitUp(api);
            assertThat(find(api.get("/v1/transactions?state=heuristic").body(), id)).isNull();
            assertThat(api.get("/v1/transactions/" + id).body().get("resolution").get("outcome").asText())
                    .isEqualTo("ROLLED_BACK");
        }
    }

    @Test
    void aTransactionStillPreparingIsPendingAndCannotBeResolved() throws Exception {
        TestParticipant slow = participant("slow");
        slow.prepareDelay = Duration.ofSeconds(4);
        try (ServerProcess server = ServerProcess.start(dir, "op-c", TOKEN)) {
            Api api = new Api(server.url, TOKEN);
            awaitUp(api);
            CompletableFuture<Api.Answer> post = CompletableFuture.supplyAsync(() -> {
                try {
                    return api.post(Api.transaction(30_000, slow));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> !slow.calls("prepare").isEmpty());
            String id = slow.calls("prepare").get(0).transactionId();
            JsonNode t = find(api.get("/v1/transactions?state=pending").body(), id);
            assertThat(t).isNotNull();
            assertThat(t.get("outcome").asText()).isEqualTo("IN_PROGRESS");
            assertThat(participant(t, "slow").get("vote").isNull()).isTrue();
            assertRefused(api.postTo("/v1/transactions/" + id + "/resolve",
                    "{\"outcome\":\"ROLLED_BACK\",\"reason\":\"impatient\"}"), 409, "still running");
            Api.Answer done = post.get(60, TimeUnit.SECONDS);
            assertThat(done.body().get("outcome").asText()).isEqualTo("COMMITTED");
            assertThat(slow.ops(id)).containsExactly("prepare", "commit");
            assertThat(find(api.get("/v1/transactions").body(), id)).isNull();
        }
    }
}
