package dev.dtc.javax;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;

/** Each checked exception keeps its message and cause across the two APIs, in both directions. */
class TransactionExceptionsTest {

    private final XAException cause = new XAException(XAException.XAER_RMFAIL);

    @Test
    void jakartaToJavaxKeepsMessageCauseAndTheOriginal() {
        jakarta.transaction.RollbackException rb = new jakarta.transaction.RollbackException("rolled back: prepare");
        rb.initCause(cause);
        javax.transaction.RollbackException mapped = TransactionExceptions.javax(rb);
        assertThat(mapped).hasMessage("rolled back: prepare").hasCause(cause);
        assertThat(mapped.getSuppressed()).containsExactly(rb);

        assertThat(TransactionExceptions.javax(new jakarta.transaction.HeuristicMixedException("mixed")))
                .isInstanceOf(javax.transaction.HeuristicMixedException.class).hasMessage("mixed").hasNoCause();
        assertThat(TransactionExceptions.javax(new jakarta.transaction.HeuristicRollbackException("heur rb")))
                .isInstanceOf(javax.transaction.HeuristicRollbackException.class).hasMessage("heur rb");
        assertThat(TransactionExceptions.javax(new jakarta.transaction.NotSupportedException("nested")))
                .isInstanceOf(javax.transaction.NotSupportedException.class).hasMessage("nested");

        jakarta.transaction.SystemException sys = new jakarta.transaction.SystemException("broken");
        sys.errorCode = 7;
        sys.initCause(cause);
        javax.transaction.SystemException sysMapped = TransactionExceptions.javax(sys);
        assertThat(sysMapped).hasMessage("broken").hasCause(cause);
        assertThat(sysMapped.errorCode).isEqualTo(7);

        jakarta.transaction.InvalidTransactionException inv = new jakarta.transaction.InvalidTransactionException("done");
        assertThat(TransactionExceptions.javax(inv)).isInstanceOf(javax.transaction.InvalidTransactionException.class)
                .hasMessage("done").hasNoCause();
        IOException io = new IOException("link down");
        inv.detail = io; // a RemoteException's cause
        javax.transaction.InvalidTransactionException invMapped = TransactionExceptions.javax(inv);
        assertThat(invMapped.getCause()).isSameAs(io);
        assertThat(invMapped.getMessage()).as("the nested text once, not twice").isEqualTo(inv.getMessage());
    }

    @Test
    void javaxToJakartaKeepsMessageAndCause() {
        javax.transaction.RollbackException rb = new javax.transaction.RollbackException("rb");
        rb.initCause(cause);
        assertThat(TransactionExceptions.jakarta(rb)).isInstanceOf(jakarta.transaction.RollbackException.class)
                .hasMessage("rb").hasCause(cause);
        assertThat(TransactionExceptions.jakarta(new javax.transaction.HeuristicMixedException("m")))
                .isInstanceOf(jakarta.transaction.HeuristicMixedException.class).hasMessage("m");
        assertThat(TransactionExceptions.jakarta(new javax.transaction.HeuristicRollbackException("r")))
                .isInstanceOf(jakarta.transaction.HeuristicRollbackException.class).hasMessage("r");
        assertThat(TransactionExceptions.jakarta(new javax.transaction.NotSupportedException("n")))
                .isInstanceOf(jakarta.transaction.NotSupportedException.class).hasMessage("n");
        javax.transaction.SystemException sys = new javax.transaction.SystemException("s");
        sys.errorCode = -3;
        assertThat(TransactionExceptions.jakarta(sys).errorCode).isEqualTo(-3);
        assertThat(TransactionExceptions.jakarta(new javax.transaction.InvalidTransactionException("i")))
                .isInstanceOf(jakarta.transaction.InvalidTransactionException.class).hasMessage("i");
    }
}
