CREATE TABLE docs (id int NOT NULL PRIMARY KEY, body text, tag varchar(20)) ENGINE=InnoDB;
CREATE TABLE mem (k int NOT NULL PRIMARY KEY, v int) ENGINE=MEMORY;
