-- The payments database (PostgreSQL). Idempotent.
CREATE TABLE IF NOT EXISTS card (
    card_number varchar(19) PRIMARY KEY,
    blocked     boolean     NOT NULL DEFAULT false
);

CREATE TABLE IF NOT EXISTS payment (
    payment_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     varchar(64) NOT NULL,
    card_number  varchar(19) NOT NULL REFERENCES card (card_number),
    amount_cents bigint      NOT NULL CHECK (amount_cents > 0),
    paid_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT one_payment_per_order UNIQUE (order_id)
);

-- The card issuer's authorisation. It runs as a deferred constraint trigger, i.e. when the transaction is
-- about to commit; in a two-phase commit that is PREPARE TRANSACTION, so a declined card makes the payments
-- database vote to abort in phase 1, after the order and the stock reservation were written.
CREATE OR REPLACE FUNCTION authorise_payment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT blocked FROM card WHERE card_number = NEW.card_number) THEN
        RAISE EXCEPTION 'payment for order % declined: card % is blocked by its issuer', NEW.order_id, NEW.card_number
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'payment_authorised_at_commit') THEN
        CREATE CONSTRAINT TRIGGER payment_authorised_at_commit
            AFTER INSERT ON payment
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION authorise_payment();
    END IF;
END
$$;
