CREATE TABLE docs (id int NOT NULL PRIMARY KEY, body text, tag varchar(20), FULLTEXT KEY docs_body (body)) ENGINE=InnoDB;
CREATE TABLE mem (k int NOT NULL PRIMARY KEY, v int, KEY mem_v (v) USING HASH) ENGINE=MEMORY;
