CREATE TABLE items (id integer PRIMARY KEY, qty integer CONSTRAINT qty_positive CHECK (qty > 0), price numeric CONSTRAINT price_ok CHECK (price >= 0));
