-- The inventory database (MySQL 8.0.16+ or MariaDB 10.2+, which enforce CHECK constraints). Idempotent.
CREATE TABLE IF NOT EXISTS product (
    sku         VARCHAR(64)  NOT NULL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    price_cents BIGINT       NOT NULL,
    available   INT          NOT NULL,
    -- Stock never below zero: the database itself refuses a reservation of more than is available. The
    -- reservation is one UPDATE that takes the row's exclusive lock and keeps it until the transaction ends
    -- (through PREPARE, until COMMIT or ROLLBACK): see docs/locking.md.
    CONSTRAINT stock_never_negative CHECK (available >= 0)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS reservation (
    order_id VARCHAR(64) NOT NULL,
    sku      VARCHAR(64) NOT NULL,
    quantity INT         NOT NULL,
    PRIMARY KEY (order_id, sku),
    CONSTRAINT reservation_of_a_product FOREIGN KEY (sku) REFERENCES product (sku),
    CONSTRAINT reservation_positive CHECK (quantity > 0)
) ENGINE = InnoDB;
