package dev.dtc.campaign.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The power-loss checks can fail: hand-made traces (in the shape strace -f -tt -y writes, taken from a real trace
 * of {@link StraceCommitter}) with a commit message before the force, without a force, with a failed force, without
 * the directory force, or with the directory forced before the segment existed, each give a violation.
 */
class TraceCheckTest {

    static final String CREATE = "100 10:00:00.000001 openat(AT_FDCWD</w>, \"/w/log/dtc-00000001.log\","
            + " O_WRONLY|O_CREAT|O_EXCL, 0666) = 5</w/log/dtc-00000001.log>";
    static final String DIR_FORCE = "100 10:00:00.000002 fsync(6</w/log>) = 0";
    static final String DECISION = "100 10:00:00.000003 write(5</w/log/dtc-00000001.log>,"
            + " \"\\0\\0\\0c\\374\\306eR\\1\\0\\26n/x/1\\2\\0\\2dtc1\\26n/x/1\\0011\\0\\5alpha\", 40) = 40";
    static final String FORCE_START = "100 10:00:00.000004 fsync(5</w/log/dtc-00000001.log> <unfinished ...>";
    static final String OTHER = "101 10:00:00.000005 write(2</w/out.txt>, \"COMMIT n/x/1\\n\", 13) = 13";
    static final String FORCE_END = "100 10:00:00.000006 <... fsync resumed>) = 0";
    static final String COMMIT = "100 10:00:00.000007 write(8<socket:[501134]>, \"COMMIT n/x/1\\n\", 13) = 13";
    static final String COMMIT_OTHER_THREAD = "102 10:00:00.000008 sendto(9<socket:[501135]>, \"COMMIT n/x/1\\n\", 13,"
            + " 0, NULL, 0) = 13";

    static List<String> good() {
        return List.of(CREATE, DIR_FORCE, DECISION, FORCE_START, OTHER, FORCE_END, COMMIT, COMMIT_OTHER_THREAD);
    }

    static TraceCheck.Result check(List<String> lines) {
        return TraceCheck.check(lines, "/w/log");
    }

    @Test
    void theRightOrderPasses() {
        TraceCheck.Result r = check(good());
        assertThat(r.transactions()).isEqualTo(1);
        assertThat(r.segments()).isEqualTo(1);
        assertThat(r.orderViolations()).isEmpty();
        assertThat(r.directoryViolations()).isEmpty();
    }

    @Test
    void aCommitMessageWhileTheForceIsStillRunningIsAViolation() {
        List<String> t = new ArrayList<>(List.of(CREATE, DIR_FORCE, DECISION, FORCE_START, COMMIT, FORCE_END));
        assertThat(check(t).orderViolations()).singleElement().asString().contains("n/x/1", "before any completed fsync");
    }

    @Test
    void noForceAtAllIsAViolation() {
        assertThat(check(List.of(CREATE, DIR_FORCE, DECISION, COMMIT)).orderViolations()).hasSize(1);
    }

    @Test
    void aFailedForceDoesNotCount() {
        List<String> t = List.of(CREATE, DIR_FORCE, DECISION, FORCE_START, FORCE_END.replace("= 0", "= -1 EIO (Input/output error)"),
                COMMIT);
        assertThat(check(t).orderViolations()).hasSize(1);
    }

    @Test
    void aCommitWithoutAnyDecisionWrittenIsAViolation() {
        assertThat(check(List.of(CREATE, DIR_FORCE, COMMIT)).orderViolations()).singleElement().asString()
                .contains("no DECISION");
    }

    /** pgjdbc's COMMIT PREPARED names the transaction by formatId_base64(gtrid)_base64(bqual): "bi94LzE=" is "n/x/1". */
    @Test
    void aPostgresCommitPreparedIsRecognisedByItsGid() {
        String commitPrepared = "100 10:00:00.000007 sendto(10<socket:[501200]>, \"Q\\0\\0\\0000COMMIT PREPARED"
                + " '1684235057_bi94LzE=_MQ=='\\0\", 49, MSG_NOSIGNAL, NULL, 0) = 49";
        TraceCheck.Result ok = check(List.of(CREATE, DIR_FORCE, DECISION, FORCE_START, FORCE_END, commitPrepared));
        assertThat(ok.transactions()).isEqualTo(1);
        assertThat(ok.orderViolations()).isEmpty();
        assertThat(check(List.of(CREATE, DIR_FORCE, DECISION, FORCE_START, commitPrepared, FORCE_END)).orderViolations())
                .hasSize(1);
    }

    @Test
    void aNewSegmentUsedBeforeItsDirectoryIsForcedIsAViolation() {
        assertThat(check(List.of(CREATE, DECISION, FORCE_START, FORCE_END, DIR_FORCE, COMMIT)).directoryViolations())
                .singleElement().asString().contains("dtc-00000001.log");
        assertThat(check(List.of(DIR_FORCE, CREATE, DECISION, FORCE_START, FORCE_END, COMMIT)).directoryViolations())
                .hasSize(1);
    }

    @Test
    void aSegmentRenamedIntoPlaceCountsAsCreatedThere() {
        String rename = "100 10:00:00.000001 rename(\"/w/log/dtc-spare.tmp\", \"/w/log/dtc-00000001.log\") = 0";
        assertThat(check(List.of(rename, DIR_FORCE, DECISION, FORCE_START, FORCE_END, COMMIT)).directoryViolations())
                .isEmpty();
        assertThat(check(List.of(rename, DECISION, FORCE_START, FORCE_END, COMMIT)).directoryViolations()).hasSize(1);
    }

    /* dtc-server (the HTTP face), lines in the shape of a real trace: the DECISION names the transaction id,
       the commit is Jetty's POST {url}/commit with the id in its JSON body. */
    static final String HTTP_DECISION = "200 10:00:00.000003 write(5</w/log/dtc-00000001.log>, \"\\0\\0\\0\\226\\245"
            + "\\6>\\311\\1\\0\\26strace-http~mx5rg3jp~1\\2\\0\\2dtc1\\26strace-http~mx5rg3jp~1\\0011\\0\\36pl_a=http://"
            + "127.0.0.1:41601/tx\", 158) = 158";
    static final String HTTP_FORCE = "200 10:00:00.000004 fsync(5</w/log/dtc-00000001.log>) = 0";
    static final String HTTP_HEAD = "POST /tx/commit HTTP/1.1\\r\\nAccept-Encoding: gzip\\r\\nAuthorization: Bearer t"
            + "\\r\\nHost: 127.0.0.1:41267\\r\\nContent-Type: application/json\\r\\nContent-Length: 42\\r\\n\\r\\n";
    static final String HTTP_BODY = "{\\\"transactionId\\\":\\\"strace-http~mx5rg3jp~1\\\"}";
    static final String HTTP_COMMIT = "201 10:00:00.000005 writev(77<socket:[1021393]>, [{iov_base=\"" + HTTP_HEAD
            + "\", iov_len=198}, {iov_base=\"" + HTTP_BODY + "\", iov_len=42}], 2) = 240";

    static String httpRequest(String op) {
        return HTTP_COMMIT.replace("/tx/commit", "/tx/" + op);
    }

    @Test
    void anHttpCommitAfterTheForcePasses() {
        TraceCheck.Result r = check(List.of(CREATE, DIR_FORCE, httpRequest("prepare"), HTTP_DECISION, HTTP_FORCE,
                HTTP_COMMIT));
        assertThat(r.transactions()).isEqualTo(1);
        assertThat(r.orderViolations()).isEmpty();
        assertThat(r.directoryViolations()).isEmpty();
    }

    @Test
    void anHttpCommitWrittenBeforeTheForceIsReported() {
        TraceCheck.Result r = check(List.of(CREATE, DIR_FORCE, HTTP_DECISION, HTTP_COMMIT, HTTP_FORCE));
        assertThat(r.transactions()).isEqualTo(1);
        assertThat(r.orderViolations()).singleElement().asString()
                .contains("strace-http~mx5rg3jp~1", "before any completed fsync");
        assertThat(check(List.of(CREATE, DIR_FORCE, HTTP_COMMIT, HTTP_DECISION, HTTP_FORCE)).orderViolations())
                .singleElement().asString().contains("no DECISION");
    }

    /** Headers and body in two writes on one socket: the request counts from the write of its headers. */
    @Test
    void anHttpCommitSplitOverTwoWritesCountsFromItsFirst() {
        String head = "201 10:00:00.000005 write(77<socket:[1021393]>, \"" + HTTP_HEAD + "\", 198) = 198";
        String body = "201 10:00:00.000007 write(77<socket:[1021393]>, \"" + HTTP_BODY + "\", 42) = 42";
        String other = "202 10:00:00.000006 write(78<socket:[1021394]>, \"" + HTTP_BODY + "\", 42) = 42";
        TraceCheck.Result r = check(List.of(CREATE, DIR_FORCE, HTTP_DECISION, head, HTTP_FORCE, other, body));
        assertThat(r.transactions()).isEqualTo(1);
        assertThat(r.orderViolations()).singleElement().asString().contains("before any completed fsync");
        assertThat(check(List.of(CREATE, DIR_FORCE, HTTP_DECISION, HTTP_FORCE, head, other, body)).orderViolations())
                .isEmpty();
    }

    /** Prepare and rollback carry the id too, but are not commit messages. */
    @Test
    void httpPrepareAndRollbackAreNotCommits() {
        TraceCheck.Result r = check(List.of(CREATE, DIR_FORCE, httpRequest("prepare"), httpRequest("rollback")));
        assertThat(r.transactions()).isZero();
        assertThat(r.orderViolations()).isEmpty();
    }
}
