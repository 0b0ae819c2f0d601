CREATE TABLE o (id int NOT NULL PRIMARY KEY, total int);
CREATE VIEW big AS SELECT id, total FROM o WHERE total > 100;
