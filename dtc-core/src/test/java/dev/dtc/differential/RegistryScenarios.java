package dev.dtc.differential;

import static dev.dtc.differential.DifferentialScenario.of;

import java.util.List;

/** TransactionSynchronizationRegistry: resources, keys, status, with and without a transaction. */
final class RegistryScenarios {

    private RegistryScenarios() {
    }

    static List<DifferentialScenario> all() {
        return List.of(
                of("registry-active-transaction",
                        "putResource/getResource, key, status and rollback-only flag of an active transaction",
                        """
                        app  begin -> ok
                        app  tsr.getTransactionKey() != null -> true
                        app  tsr.getTransactionStatus -> STATUS_ACTIVE
                        app  tsr.getResource(k) -> null
                        app  tsr.putResource(k, v1) -> ok
                        app  tsr.putResource(k, v2) -> ok
                        app  tsr.getResource(k) -> v2
                        app  tsr.putResource(k, null) -> ok
                        app  tsr.getResource(k) -> null
                        app  tsr.getRollbackOnly -> false
                        app  commit -> ok
                        """,
                        c -> {
                            c.begin();
                            c.value("tsr.getTransactionKey() != null", () -> c.tsr().getTransactionKey() != null);
                            c.app().status("tsr.getTransactionStatus", () -> c.tsr().getTransactionStatus());
                            c.value("tsr.getResource(k)", () -> c.tsr().getResource("k"));
                            c.call("tsr.putResource(k, v1)", () -> c.tsr().putResource("k", "v1"));
                            c.call("tsr.putResource(k, v2)", () -> c.tsr().putResource("k", "v2"));
                            c.value("tsr.getResource(k)", () -> c.tsr().getResource("k"));
                            c.call("tsr.putResource(k, null)", () -> c.tsr().putResource("k", null));
                            c.value("tsr.getResource(k)", () -> c.tsr().getResource("k"));
                            c.value("tsr.getRollbackOnly", () -> c.tsr().getRollbackOnly());
                            c.commit();
                        }),
                of("registry-without-transaction",
                        "with no transaction: null key, STATUS_NO_TRANSACTION, IllegalStateException for the rest",
                        """
                        app  tsr.getTransactionKey -> null
                        app  tsr.getTransactionStatus -> STATUS_NO_TRANSACTION
                        app  tsr.putResource(k, v) -> IllegalStateException
                        app  tsr.getResource(k) -> IllegalStateException
                        app  tsr.getRollbackOnly -> IllegalStateException
                        app  registerInterposedSynchronization(i1) -> IllegalStateException
                        """,
                        c -> {
                            c.value("tsr.getTransactionKey", () -> c.tsr().getTransactionKey());
                            c.app().status("tsr.getTransactionStatus", () -> c.tsr().getTransactionStatus());
                            c.call("tsr.putResource(k, v)", () -> c.tsr().putResource("k", "v"));
                            c.value("tsr.getResource(k)", () -> c.tsr().getResource("k"));
                            c.value("tsr.getRollbackOnly", () -> c.tsr().getRollbackOnly());
                            c.register(c.sync("i1"));
                        }),
                of("registry-null-key",
                        "putResource and getResource with a null key",
                        """
                        app  begin -> ok
                        app  tsr.putResource(null, v) -> NullPointerException
                        app  tsr.getResource(null) -> NullPointerException
                        app  rollback -> ok
                        """,
                        c -> {
                            c.begin();
                            c.call("tsr.putResource(null, v)", () -> c.tsr().putResource(null, "v"));
                            c.value("tsr.getResource(null)", () -> c.tsr().getResource(null));
                            c.rollback();
                        }),
                of("registry-resources-per-transaction",
                        "resources put in one transaction are not visible in another",
                        """
                        app  begin -> ok
                        app  tsr.putResource(k, v1) -> ok
                        app  suspend -> a transaction
                        app  begin -> ok
                        app  tsr.getResource(k) -> null
                        app  tsr.putResource(k, v2) -> ok
                        app  rollback -> ok
                        app  resume(a transaction) -> ok
                        app  tsr.getResource(k) -> v1
                        app  commit -> ok
                        """,
                        c -> {
                            c.begin();
                            c.call("tsr.putResource(k, v1)", () -> c.tsr().putResource("k", "v1"));
                            var first = c.suspend();
                            c.begin();
                            c.value("tsr.getResource(k)", () -> c.tsr().getResource("k"));
                            c.call("tsr.putResource(k, v2)", () -> c.tsr().putResource("k", "v2"));
                            c.rollback();
                            c.resume(first);
                            c.value("tsr.getResource(k)", () -> c.tsr().getResource("k"));
                            c.commit();
                        }),
                of("registry-status-when-marked",
                        "getTransactionStatus follows setRollbackOnly; interposed registration on a marked transaction",
                        """
                        app  begin -> ok
                        app  setRollbackOnly -> ok
                        app  tsr.getTransactionStatus -> STATUS_MARKED_ROLLBACK
                        app  tsr.getRollbackOnly -> true
                        app  registerInterposedSynchronization(i1) -> IllegalStateException
                        app  commit -> RollbackException
                        """,
                        c -> {
                            c.begin();
                            c.setRollbackOnly();
                            c.app().status("tsr.getTransactionStatus", () -> c.tsr().getTransactionStatus());
                            c.value("tsr.getRollbackOnly", () -> c.tsr().getRollbackOnly());
                            c.register(c.sync("i1"));
                            c.commit();
                        }));
    }
}
