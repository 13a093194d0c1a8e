CREATE TABLE IF NOT EXISTS stock_reservations (
    order_id VARCHAR(64) PRIMARY KEY,
    item     VARCHAR(64) NOT NULL,
    quantity INT         NOT NULL,
    CONSTRAINT quantity_positive CHECK (quantity > 0)
) ENGINE=InnoDB;
