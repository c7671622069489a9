-- expect: RL401
CREATE TABLE ledger_entries (
    id bigserial PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    amount_cents integer NOT NULL
);
CREATE INDEX ledger_entries_order_id_idx ON ledger_entries (order_id);
