CREATE TABLE IF NOT EXISTS purchase_orders (
    id       VARCHAR(64) PRIMARY KEY,
    item     VARCHAR(64) NOT NULL,
    quantity INT         NOT NULL
);
-- checked at COMMIT, i.e. at PREPARE TRANSACTION in a two-phase commit: a note for a missing order makes
-- PostgreSQL vote abort, and the other database rolls back with it
CREATE TABLE IF NOT EXISTS order_notes (
    id       VARCHAR(64)  PRIMARY KEY,
    order_id VARCHAR(64)  NOT NULL REFERENCES purchase_orders (id) DEFERRABLE INITIALLY DEFERRED,
    note     VARCHAR(200) NOT NULL
);
