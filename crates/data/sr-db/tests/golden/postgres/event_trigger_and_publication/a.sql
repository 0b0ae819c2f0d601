CREATE TABLE audit_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tag text);
CREATE TABLE orders (id integer PRIMARY KEY, total numeric);
CREATE PUBLICATION orders_pub FOR TABLE orders;
