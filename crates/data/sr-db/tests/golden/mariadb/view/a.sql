CREATE TABLE o (id int NOT NULL PRIMARY KEY, total decimal(10,2), status varchar(10));
CREATE VIEW open_o AS SELECT id, total FROM o WHERE status = 'open';
