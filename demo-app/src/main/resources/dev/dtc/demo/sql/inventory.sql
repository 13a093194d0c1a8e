-- The inventory database (MySQL 8.0.16+ or MariaDB 10.2+, which enforce CHECK constraints). Idempotent.
CREATE TABLE IF NOT EXISTS product (
    sku         VARCHAR(64)  NOT NULL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    price_cents BIGINT       NOT NULL,
    available   INT          NOT NULL,
    -- The fencing token of the last restock that wrote this row (restock command, docs/locking.md): a restock
    -- writes only WHERE fence <= its token, so a holder of the lock stock-<sku> whose lease ran out cannot
    -- overwrite a newer holder's write. Tables made before it get it from Schemas (ALTER TABLE).
    fence       BIGINT       NOT NULL DEFAULT 0,
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
