-- The orders database (PostgreSQL). Idempotent: run by every demo command.
CREATE TABLE IF NOT EXISTS customer_order (
    order_id     varchar(64)  PRIMARY KEY,            -- unique order id: a second order with the same id is refused
    customer     varchar(100) NOT NULL,
    amount_cents bigint       NOT NULL CHECK (amount_cents > 0),
    placed_at    timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS order_line (
    order_id varchar(64) NOT NULL REFERENCES customer_order (order_id),
    sku      varchar(64) NOT NULL,
    quantity integer     NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, sku)
);
