CREATE TABLE o (id integer PRIMARY KEY, total numeric, status text);
CREATE VIEW open_o AS SELECT id, total FROM o WHERE status = 'open';
