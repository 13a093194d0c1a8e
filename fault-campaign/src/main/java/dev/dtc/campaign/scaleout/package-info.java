/**
 * Part {@code takeover}: several coordinators (dtc-server processes) on one shared PostgreSQL store, under load from
 * many clients; one coordinator is killed with {@code kill -9}, or paused with SIGSTOP past its lease and then
 * resumed, in the middle of commits. The survivors must finish its transactions; the part measures how long that
 * takes and checks every transaction on the databases' rows, their prepared branches, the store and the survivors'
 * answers.
 */
package dev.dtc.campaign.scaleout;
