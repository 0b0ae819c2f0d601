CREATE TABLE lines (id integer PRIMARY KEY, qty integer, price numeric(10,2), amount numeric GENERATED ALWAYS AS (qty * price) STORED);
