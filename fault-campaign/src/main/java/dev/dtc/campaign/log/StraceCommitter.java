package dev.dtc.campaign.log;

import dev.dtc.NamedXAResource;
import dev.dtc.TransactionService;
import jakarta.transaction.TransactionManager;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The process {@link PowerLossPart} traces: commits transactions through the JTA face of a real
 * {@link TransactionService} (its file decision log, small segments so that it rolls) with two participants per
 * transaction that live at the other end of TCP sockets. Each participant's {@code commit} writes
 * {@code COMMIT <gtrid>\n} to its socket, as a database driver writes {@code COMMIT PREPARED} / {@code XA COMMIT}:
 * that write is what must come after the force of the decision.
 *
 * <p>{@code java ... StraceCommitter LOG_DIR TRANSACTIONS SEGMENT_BYTES}; prints {@code COMMITTED <gtrid>} per
 * transaction on stdout.
 */
public final class StraceCommitter {

    private StraceCommitter() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        long segmentBytes = Long.parseLong(args[2]);
        if (args.length > 3 && args[3].equals("postgres")) {
            postgres(dir, count, segmentBytes);
            return;
        }
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread sink = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread t = new Thread(() -> drain(s), "participant");
                        t.setDaemon(true);
                        t.start();
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "participant-acceptor");
            sink.setDaemon(true);
            sink.start();
            List<SocketParticipant> participants = new ArrayList<>();
            for (String name : List.of("alpha", "beta")) {
                participants.add(new SocketParticipant(name, new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())));
            }
            try (TransactionService dtc = TransactionService.builder().nodeName("strace-node").logDirectory(dir)
                    .logSegmentBytes(segmentBytes).recoveryInterval(Duration.ZERO).build()) {
                TransactionManager tm = dtc.transactionManager();
                for (int i = 0; i < count; i++) {
                    tm.begin();
                    for (SocketParticipant p : participants) {
                        tm.getTransaction().enlistResource(p);
                    }
                    tm.commit();
                }
            }
            for (SocketParticipant p : participants) {
                p.socket.close();
            }
        }
        System.out.flush();
    }

    /**
     * The same with two real PostgreSQL branches per transaction (two connections to the database named by
     * {@code DTC_TEST_POSTGRES_URL}, {@code _USER}, {@code _PASSWORD}): the driver writes {@code COMMIT PREPARED} to
     * the server's socket. Each transaction inserts a row through each branch into a table of its own, dropped at the
     * end; prints {@code DONE <count>}.
     */
    static void postgres(Path dir, int count, long segmentBytes) throws Exception {
        org.postgresql.xa.PGXADataSource ds = new org.postgresql.xa.PGXADataSource();
        ds.setURL(System.getenv("DTC_TEST_POSTGRES_URL"));
        ds.setUser(System.getenv("DTC_TEST_POSTGRES_USER"));
        ds.setPassword(System.getenv("DTC_TEST_POSTGRES_PASSWORD"));
        String table = "dtc_campaign_strace_" + ProcessHandle.current().pid();
        try (java.sql.Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (tx text)");
        }
        javax.sql.XAConnection a = ds.getXAConnection();
        javax.sql.XAConnection b = ds.getXAConnection();
        try (TransactionService dtc = TransactionService.builder().nodeName("strace-pg").logDirectory(dir)
                .logSegmentBytes(segmentBytes).recoveryInterval(Duration.ZERO).build()) {
            TransactionManager tm = dtc.transactionManager();
            java.sql.Connection ca = a.getConnection();
            java.sql.Connection cb = b.getConnection();
            for (int i = 0; i < count; i++) {
                tm.begin();
                tm.getTransaction().enlistResource(NamedXAResource.of("pg-a", a.getXAResource()));
                tm.getTransaction().enlistResource(NamedXAResource.of("pg-b", b.getXAResource()));
                for (java.sql.Connection c : List.of(ca, cb)) {
                    try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?)")) {
                        ps.setString(1, "tx-" + i);
                        ps.executeUpdate();
                    }
                }
                tm.commit();
            }
        } finally {
            a.close();
            b.close();
            try (java.sql.Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + table);
            }
        }
        System.out.println("DONE " + count);
    }

    private static void drain(Socket s) {
        try (InputStream in = s.getInputStream()) {
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // a participant that acknowledges by reading
            }
        } catch (Exception e) {
            // closed
        }
    }

    /** A participant whose votes are yes and whose commit is a line written to its socket. */
    static final class SocketParticipant implements NamedXAResource {
        final String name;
        final Socket socket;
        final OutputStream out;

        SocketParticipant(String name, Socket socket) throws java.io.IOException {
            this.name = name;
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        private void send(String line) throws XAException {
            try {
                out.write(line.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException e) {
                XAException x = new XAException(XAException.XAER_RMFAIL);
                x.initCause(e);
                throw x;
            }
        }

        static String gtrid(Xid xid) {
            return new String(xid.getGlobalTransactionId(), StandardCharsets.US_ASCII);
        }

        @Override
        public String resourceName() {
            return name;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            send("COMMIT " + gtrid(xid) + "\n");
            System.out.println("COMMITTED " + gtrid(xid) + " at " + name + (onePhase ? " (one phase)" : ""));
        }

        @Override
        public void end(Xid xid, int flags) {
        }

        @Override
        public void forget(Xid xid) {
        }

        @Override
        public int getTransactionTimeout() {
            return 0;
        }

        @Override
        public boolean isSameRM(XAResource other) {
            return other == this;
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            send("PREPARE " + gtrid(xid) + "\n");
            return XA_OK;
        }

        @Override
        public Xid[] recover(int flag) {
            return new Xid[0];
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            send("ROLLBACK " + gtrid(xid) + "\n");
        }

        @Override
        public boolean setTransactionTimeout(int seconds) {
            return false;
        }

        @Override
        public void start(Xid xid, int flags) {
        }
    }
}
