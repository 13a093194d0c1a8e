package dev.dtc.campaign.scaleout;

import dev.dtc.campaign.ChildProcess;
import dev.dtc.campaign.CoordinatorCalls;
import dev.dtc.campaign.Part;
import dev.dtc.campaign.Size;
import dev.dtc.campaign.Tally;
import dev.dtc.campaign.random.RandomParticipantMain;
import dev.dtc.testdb.DatabaseServer;
import dev.dtc.testdb.TestDatabases;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Part {@code takeover}: three coordinators (dtc-server processes) sharing one PostgreSQL store (a fresh schema per
 * run), two participant services with real databases (the participant kit on PostgreSQL and on MariaDB), and many
 * client threads posting one-shot transactions round-robin to the coordinators. Each round takes one coordinator
 * out in the middle of commits, and the survivors must finish its work:
 * <ul>
 *   <li>{@code kill -9}: at a moment when the store holds decisions of that node not yet ended (decided, not all
 *       committed);</li>
 *   <li>SIGSTOP, at a moment when it has branches prepared and no decision for them, kept stopped until the
 *       survivors took it over, then SIGCONT: it must notice it lost its lease ({@code /health} 503 LEASE_LOST,
 *       new transactions refused) and write nothing more to the store.</li>
 * </ul>
 * The time from the fault to the last of the node's transactions finished (its lease released settled by a
 * survivor, no record of it left in the store, no branch of it left prepared in either database) is measured.
 * Then every transaction of the round is checked ({@link Verdicts}), nothing may be left prepared, and the node is
 * started again for the next round.
 */
public final class TakeoverPart implements Part {

    static final String TOKEN = "campaign-takeover-token";
    static final String NODE_PREFIX = "takeover";
    static final String A = "takeover_a";
    static final String B = "takeover_b";
    static final String DB_A = "campaign_takeover_a";
    static final String DB_B = "campaign_takeover_b";
    static final String STORE_DB = "campaign_takeover";
    static final int COORDINATORS = 3;

    enum Fault {
        KILL, STOP
    }

    @Override
    public String name() {
        return "takeover";
    }

    @Override
    public String description() {
        return "three coordinators on one shared PostgreSQL store under load; one killed (kill -9) or paused past its"
                + " lease (SIGSTOP, then SIGCONT) in the middle of commits; the survivors finish its transactions"
                + " (time measured), all or nothing, every survivor's answer agrees with the databases, the paused"
                + " node's late writes refused";
    }

    @Override
    public List<Tally> run(Size size, long seed, PrintStream log) throws Exception {
        int clients = size.pick(16, 64);
        Duration ttl = Duration.ofSeconds(size.pick(3, 6)); // full size: dtc-server's default --lease-ttl
        int killRounds = size.pick(1, 5);
        int stopRounds = size.pick(1, 3);
        DatabaseServer pg = TestDatabases.postgres();
        DatabaseServer my = TestDatabases.mysql();
        pg.createDatabase(STORE_DB);
        pg.createDatabase(DB_A);
        my.createDatabase(DB_B);
        String run = "t" + Long.toString(System.currentTimeMillis(), 36);
        String schema = "takeover_" + run;
        Path work = Files.createTempDirectory("dtc-campaign-takeover");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        String storeUrl = pg.jdbcUrl(STORE_DB) + (pg.jdbcUrl(STORE_DB).contains("?") ? "&" : "?") + "user="
                + enc(pg.user()) + (pg.password() == null ? "" : "&password=" + enc(pg.password())) + "&schema=" + schema;
        log.printf(Locale.ROOT, "takeover: seed %d, run %s, store schema %s.%s, %d clients, lease %d s, %d kill"
                + " round(s), %d pause round(s), files in %s%n", seed, run, STORE_DB, schema, clients,
                ttl.toSeconds(), killRounds, stopRounds, work);
        Coordinators coordinators = new Coordinators(work, COORDINATORS, NODE_PREFIX, storeUrl, TOKEN, ttl, http);
        StoreProbe store = new StoreProbe(pg, STORE_DB, schema);
        Branches branches = new Branches(pg, DB_A, my, DB_B, B, NODE_PREFIX + "-");
        int portA = freePort();
        int portB = freePort();
        ChildProcess a = null;
        ChildProcess b = null;
        List<Tally> tallies = new ArrayList<>();
        boolean clean = false;
        try {
            coordinators.startAll();
            // the participants' recovery asks any of the three for outcomes, the next when one does not answer
            String asked = coordinators.urls();
            a = new ChildProcess(A, work.resolve(A + ".log")).start(List.of(), TOKEN, "participant listening on",
                    RandomParticipantMain.class.getName(), A, Integer.toString(portA), "postgres", pg.jdbcUrl(DB_A),
                    pg.user(), pg.password(), asked);
            b = new ChildProcess(B, work.resolve(B + ".log")).start(List.of(), TOKEN, "participant listening on",
                    RandomParticipantMain.class.getName(), B, Integer.toString(portB), "mysql", my.jdbcUrl(DB_B),
                    my.user(), my.password(), asked);
            Rounds rounds = new Rounds(coordinators, store, branches, pg, my, ttl, clients,
                    CoordinatorCalls.oneShotBody(A, portA, B, portB, "%KEY%"), log);
            Random random = new Random(seed ^ 0x74616b656f766572L);
            int victims = COORDINATORS;
            Tally kills = rounds.run(Fault.KILL, killRounds, 0, victims, run, random, name());
            Tally pauses = rounds.run(Fault.STOP, stopRounds, killRounds, victims, run, random, name());
            tallies.add(kills);
            tallies.add(pauses);
            clean = kills.passed() && pauses.passed();
        } finally {
            coordinators.close();
            for (ChildProcess p : new ChildProcess[] {a, b}) {
                if (p != null) {
                    p.kill();
                }
            }
            if (clean) {
                store.dropSchema();
            } else {
                log.println("takeover: the store schema " + STORE_DB + "." + schema + " and " + work
                        + " are kept for a look");
            }
        }
        return tallies;
    }

    private static String enc(String s) {
        return s == null ? "" : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
