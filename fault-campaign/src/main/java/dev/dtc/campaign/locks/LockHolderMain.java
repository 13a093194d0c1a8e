package dev.dtc.campaign.locks;

import dev.dtc.participant.DtcLocks;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;

/**
 * A lock holder in a JVM of its own, so that the campaign can freeze it with SIGSTOP: acquires {@code LOCK} without
 * background renewal, prints {@code HELD <token>}, waits for a line {@code WRITE} on stdin, then tries the fenced
 * write with its token and prints {@code WROTE} or {@code REFUSED}.
 *
 * <p>Arguments: coordinator URL, lock name, ttl ms, owner, and the fenced table's JDBC URL, user and password.
 */
public final class LockHolderMain {

    private LockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        URI coordinator = URI.create(args[0]);
        String lock = args[1];
        long ttlMs = Long.parseLong(args[2]);
        String owner = args[3];
        try (DtcLocks locks = DtcLocks.builder(coordinator).token(CoordinatorProcess.TOKEN).owner(owner)
                .renewInBackground(false).build();
             DtcLocks.Lock held = locks.acquire(lock, Duration.ofMillis(ttlMs), Duration.ofSeconds(30))) {
            System.out.println("HELD " + held.token());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            if (!"WRITE".equals(line)) {
                System.out.println("NO-WRITE");
                return;
            }
            // the write does not ask the lock whether it is still held: the fence must refuse it by itself
            try (Connection c = DriverManager.getConnection(args[4], args[5], args[6])) {
                System.out.println(FencedTable.write(c, held.token(), owner) ? "WROTE" : "REFUSED");
            }
            System.out.flush();
        }
    }
}
