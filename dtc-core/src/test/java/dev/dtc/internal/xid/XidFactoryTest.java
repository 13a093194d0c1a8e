package dev.dtc.internal.xid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class XidFactoryTest {

    @Test
    void urlSafeIdsAreThisNodesAndThisProcesses() {
        XidFactory xids = new XidFactory("node-a", 1_000);
        String id = xids.newUrlSafeTransactionId();
        assertThat(id).matches("node-a~[0-9a-z]+~[0-9a-z]+").doesNotContain("/");
        assertThat(xids.isOurs(xids.branch(id, 1))).isTrue();
        assertThat(xids.isThisProcess(xids.branch(id, 1))).isTrue();
        assertThat(new XidFactory("node-a", 2_000).isThisProcess(xids.branch(id, 1))).isFalse();
    }

    @Test
    void bothFormsShareOneCounter() {
        XidFactory xids = new XidFactory("n", 1_000);
        String slash = xids.newTransactionId();
        String tilde = xids.newUrlSafeTransactionId();
        assertThat(slash.substring(slash.lastIndexOf('/') + 1)).isEqualTo("1");
        assertThat(tilde.substring(tilde.lastIndexOf('~') + 1)).isEqualTo("2");
    }

    @Test
    void anotherNodesIdsAreNotOursEvenWhenItsNameStartsWithOurs() {
        XidFactory a = new XidFactory("a", 1_000);
        XidFactory ab = new XidFactory("a.b", 1_000);
        assertThat(a.isOurs(ab.branch(ab.newUrlSafeTransactionId(), 1))).isFalse();
        assertThat(a.isOurs(ab.branch(ab.newTransactionId(), 1))).isFalse();
        assertThat(a.isThisProcess(ab.branch(ab.newUrlSafeTransactionId(), 1))).isFalse();
    }
}
