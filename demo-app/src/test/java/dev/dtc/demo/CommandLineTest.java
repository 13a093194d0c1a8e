package dev.dtc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Bad input is refused before anything starts, with a message that says what to do (exit status 2). */
class CommandLineTest {

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void oneServerWithoutTheOtherIsRefused() {
        Run r = run("stock", "--postgres-url", "jdbc:postgresql://127.0.0.1:1/x", "--data-dir", "target/cli-test");
        assertThat(r.status()).isEqualTo(ExitStatus.USAGE);
        assertThat(r.err()).contains("give both --postgres-url and --mysql-url");
    }

    @Test
    void aUrlOfTheWrongKindIsRefused() {
        Run r = run("stock", "--postgres-url", "jdbc:mysql://127.0.0.1:1/", "--mysql-url", "jdbc:mysql://127.0.0.1:1/",
                "--data-dir", "target/cli-test");
        assertThat(r.status()).isEqualTo(ExitStatus.USAGE);
        assertThat(r.err()).contains("is not a PostgreSQL JDBC URL", "jdbc:postgresql://");
    }

    @Test
    void twoCrashPointsAreRefused() {
        Run r = run("place-order", "--crash-after-prepare", "--crash-after-decision", "--data-dir", "target/cli-test");
        assertThat(r.status()).isEqualTo(ExitStatus.USAGE);
        assertThat(r.err()).contains("choose one of --crash-after-prepare and --crash-after-decision");
    }

    @Test
    void aMalformedItemIsRefused() {
        Run r = run("place-order", "--item", "widget=lots", "--data-dir", "target/cli-test");
        assertThat(r.status()).isEqualTo(ExitStatus.USAGE);
        assertThat(r.err()).contains("'widget=lots' is not an item: expected sku=quantity");
    }

    @Test
    void aDataDirectoryUnderTheTemporaryDirectoryIsRefusedForTheEmbeddedDatabases() throws Exception {
        Path tmp = Files.createTempDirectory("dtc-demo-cli-test");
        Run r = run("stock", "--data-dir", tmp.toString());
        assertThat(r.status()).isEqualTo(ExitStatus.USAGE);
        assertThat(r.err()).contains("where the embedded MariaDB deletes its data at every start");
    }

    @Test
    void theEmbeddedDatabasesAreRefusedWhereTheirBinariesDoNotRunAndTheMessageNamesTheWayOut() throws Exception {
        // os.arch as a Mac with Apple silicon reports it; read only by the check, before anything starts
        Path dataDir = Files.createTempDirectory(Path.of("target"), "cli-platform").resolve("demo");
        String arch = System.getProperty("os.arch");
        String os = System.getProperty("os.name");
        Run r;
        try {
            System.setProperty("os.name", "Mac OS X");
            System.setProperty("os.arch", "aarch64");
            r = run("place-order", "--data-dir", dataDir.toString());
        } finally {
            System.setProperty("os.arch", arch);
            System.setProperty("os.name", os);
        }
        assertThat(r.status()).isEqualTo(ExitStatus.USAGE);
        assertThat(r.err()).contains("the embedded MariaDB runs only on Linux x86-64", "Mac OS X aarch64",
                "--postgres-url", "--mysql-url", "docker/compose.yaml");
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void anErrorIsAlsoInTheJsonDocument() {
        Run r = run("stock", "--json", "--postgres-url", "jdbc:postgresql://127.0.0.1:1/x", "--data-dir", "target/cli-test");
        assertThat(r.status()).isEqualTo(ExitStatus.USAGE);
        assertThat(r.out()).startsWith("{\"command\":\"stock\"").contains("\"error\":\"give both");
    }

    @Test
    void helpListsTheCommandsAndFaultOptions() {
        Run top = run("--help");
        Run place = run("place-order", "--help");
        assertThat(top.status()).isZero();
        assertThat(top.out()).contains("place-order", "stock", "orders", "reset", "99");
        assertThat(place.out()).contains("--decline-payment", "--out-of-stock", "--crash-after-prepare", "--json",
                "--postgres-url", "DTC_DEMO_POSTGRES_URL");
    }
}
