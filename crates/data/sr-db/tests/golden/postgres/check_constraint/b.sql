CREATE TABLE items (id integer PRIMARY KEY, qty integer CONSTRAINT qty_positive CHECK (qty >= 0 AND qty < 1000), price numeric);
