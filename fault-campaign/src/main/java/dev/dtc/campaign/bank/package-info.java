/**
 * §2 of the campaign, the bank invariant under load: accounts split across PostgreSQL and MySQL/MariaDB, concurrent
 * transfers between the two, coordinator processes killed with {@code kill -9} every few seconds; afterwards the
 * total balance, the balances' signs, the per-account history and the atomicity of every transfer are checked
 * against what the clients were told ({@link dev.dtc.campaign.bank.BankPart}).
 */
package dev.dtc.campaign.bank;
