CREATE TABLE o (id integer PRIMARY KEY, total numeric, status text);
CREATE VIEW open_o AS SELECT id, total, status FROM o WHERE status IN ('open', 'held');
CREATE VIEW big_o AS SELECT id FROM open_o WHERE total > 100;
