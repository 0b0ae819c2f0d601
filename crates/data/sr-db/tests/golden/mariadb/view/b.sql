CREATE TABLE o (id int NOT NULL PRIMARY KEY, total decimal(10,2), status varchar(10));
CREATE VIEW open_o AS SELECT id, total, status FROM o WHERE status IN ('open', 'held');
CREATE VIEW big_o AS SELECT id FROM open_o WHERE total > 100;
