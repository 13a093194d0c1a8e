/**
 * Part {@code random}: the randomized mode of the crash matrix. Each iteration kills one process, drawn from the
 * seed, at a moment drawn from the seed, while clients run transactions; then the killed process is started again,
 * recovery runs, and every transaction of the iteration is checked on the databases' rows, their prepared branches
 * and the coordinator's answers.
 */
package dev.dtc.campaign.random;
