CREATE TABLE o (id int NOT NULL PRIMARY KEY, status enum('new','paid','done') NOT NULL DEFAULT 'new', kind set('a','b'));
