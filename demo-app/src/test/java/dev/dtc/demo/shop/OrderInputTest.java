package dev.dtc.demo.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Items, amounts and server URLs as typed on the command line. */
class OrderInputTest {

    @Test
    void itemsParse() {
        assertThat(OrderLine.parse("widget=3")).isEqualTo(new OrderLine("widget", 3));
        assertThat(OrderLine.parse("gizmo")).isEqualTo(new OrderLine("gizmo", 1));
        assertThatThrownBy(() -> OrderLine.parse("widget=0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> OrderLine.parse("=2")).hasMessageContaining("must not be blank");
    }

    @Test
    void amountsHaveAtMostTwoDecimals() {
        assertThat(Money.parse("42.5")).isEqualTo(4250);
        assertThat(Money.parse("7")).isEqualTo(700);
        assertThat(Money.format(7499)).isEqualTo("74.99");
        assertThatThrownBy(() -> Money.parse("1.005")).hasMessageContaining("more than two decimals");
        assertThatThrownBy(() -> Money.parse("lots")).hasMessageContaining("not an amount");
    }

    @Test
    void anOrderLocksItsProductsInSkuOrderAndNamesEachOnce() {
        OrderRequest r = new OrderRequest("o-1", "alice", List.of(new OrderLine("widget", 1), new OrderLine("gadget", 2)),
                100, Catalog.GOOD_CARD);
        assertThat(r.linesInLockOrder()).extracting(OrderLine::sku).containsExactly("gadget", "widget");
        assertThatThrownBy(() -> new OrderRequest("o-2", "alice", List.of(new OrderLine("widget", 1),
                new OrderLine("widget", 2)), 100, Catalog.GOOD_CARD)).hasMessageContaining("once");
    }

    @Test
    void aServerUrlGetsTheDemosDatabaseSwappedIn() {
        ServerAddress pg = new ServerAddress(ServerAddress.Kind.POSTGRES, "jdbc:postgresql://db:5432/dtc?ssl=false",
                "u", "p", "test");
        ServerAddress my = new ServerAddress(ServerAddress.Kind.MYSQL, "jdbc:mysql://db:3306", "u", "p", "test");
        assertThat(pg.jdbcUrl("orders")).isEqualTo("jdbc:postgresql://db:5432/orders?ssl=false");
        assertThat(pg.adminUrl()).isEqualTo("jdbc:postgresql://db:5432/dtc?ssl=false");
        assertThat(my.jdbcUrl("inventory")).isEqualTo("jdbc:mysql://db:3306/inventory");
        assertThat(my.adminUrl()).isEqualTo("jdbc:mysql://db:3306/");
        assertThat(pg.toString()).doesNotContain("p)").contains("as u");
    }
}
