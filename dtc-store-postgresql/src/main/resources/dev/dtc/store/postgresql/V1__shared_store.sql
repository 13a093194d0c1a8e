-- dtc shared store, schema version 1. Applied by dtc itself (Schema.java) in one transaction.

-- One row per coordinator node name: its lease. A coordinator holds the lease of its own node while it runs,
-- renewing expires_at; a takeover bumps the epoch. Every write of decisions is conditional on the epoch.
CREATE TABLE dtc_node (
    node       text        PRIMARY KEY,
    epoch      bigint      NOT NULL,
    holder     text,                    -- the coordinator instance holding the lease; NULL once released
    url        text,                    -- where the holder answers HTTP, if it does
    expires_at timestamptz NOT NULL,    -- the database's clock, never a coordinator's
    settled    boolean     NOT NULL     -- released with nothing pending: no takeover needed
);

-- Decision records of each node: DECISION and HEURISTIC rows of transactions not yet ended. An END deletes the
-- transaction's rows, so the table holds only what recovery would need.
CREATE TABLE dtc_record (
    node    text     NOT NULL,
    seq     bigint   NOT NULL,          -- append order within the node
    tx_id   text     NOT NULL,
    kind    smallint NOT NULL,          -- the record type's code in the log format (docs/log-format.md)
    payload bytea    NOT NULL,
    epoch   bigint   NOT NULL,          -- the epoch of the lease it was written under
    PRIMARY KEY (node, seq)
);
CREATE INDEX dtc_record_tx ON dtc_record (node, tx_id);

-- Outcomes the HTTP face answers GET /v1/transactions/{id} with, after a transaction's records are gone.
CREATE TABLE dtc_outcome (
    tx_id       text        PRIMARY KEY,
    node        text        NOT NULL,   -- the node that ran it: the part of the id before '~'
    answer      text        NOT NULL,   -- the JSON answer; a later record of the same id replaces it
    recorded_at timestamptz NOT NULL DEFAULT now()  -- retention counts from here, on the database's clock
);
CREATE INDEX dtc_outcome_recorded ON dtc_outcome (recorded_at);

-- Idempotency-Key of POST /v1/transactions: one transaction per key, whichever coordinator was asked. The first
-- INSERT of a key wins; a coordinator that loses reads the winner's row.
CREATE TABLE dtc_idempotency (
    key         text        PRIMARY KEY,
    hash        text        NOT NULL,
    tx_id       text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dtc_idempotency_recorded ON dtc_idempotency (recorded_at);

-- The participant registry (PUT /v1/participants/{name}). Renewals are written too (last_renewal), so that a
-- service renewing through any coordinator stays registered on all.
CREATE TABLE dtc_participant (
    name          text        PRIMARY KEY,
    url           text        NOT NULL,
    ttl_ms        bigint,                  -- NULL: lives until deleted
    registered_at timestamptz NOT NULL,    -- when it was registered with this url and ttl
    last_renewal  timestamptz NOT NULL     -- expires at last_renewal + ttl_ms
);

-- The lock service: one row per lock name, kept after release so that its fencing token never goes back.
CREATE TABLE dtc_lock (
    name       text        PRIMARY KEY,
    owner      text,                    -- NULL when free
    token      bigint      NOT NULL,    -- the last token handed out for this lock; raised by the grant itself
    expires_at timestamptz              -- the database's clock; a lease past it is free
);
