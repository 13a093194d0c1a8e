package dev.dtc.spring.sample;

import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * From the command line: {@code --place-order=widget:2} places an order of two widgets through
 * {@link JdbcOrderService}, {@code --place-order-jpa=gadget:1} through {@link JpaOrderService}; each writes the
 * orders database and the stock database in one transaction. Without these options the application only starts.
 */
@Component
public class PlaceOrderRunner implements ApplicationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(PlaceOrderRunner.class);

    private final JdbcOrderService jdbc;
    private final JpaOrderService jpa;

    public PlaceOrderRunner(JdbcOrderService jdbc, JpaOrderService jpa) {
        this.jdbc = jdbc;
        this.jpa = jpa;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (String order : values(args, "place-order")) {
            String id = "o-" + UUID.randomUUID();
            jdbc.placeOrder(id, item(order), quantity(order));
            LOG.info("order {} ({}) placed through JdbcTemplate in both databases", id, order);
        }
        for (String order : values(args, "place-order-jpa")) {
            String id = "o-" + UUID.randomUUID();
            jpa.placeOrder(id, item(order), quantity(order));
            LOG.info("order {} ({}) placed through JPA in both databases", id, order);
        }
    }

    private static List<String> values(ApplicationArguments args, String option) {
        return args.containsOption(option) ? args.getOptionValues(option) : List.of();
    }

    private static String item(String order) {
        int colon = order.indexOf(':');
        return colon < 0 ? order : order.substring(0, colon);
    }

    private static int quantity(String order) {
        int colon = order.indexOf(':');
        try {
            return colon < 0 ? 1 : Integer.parseInt(order.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--place-order takes ITEM or ITEM:QUANTITY, e.g. widget:2; was "
                    + order);
        }
    }
}
