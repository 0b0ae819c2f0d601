CREATE TABLE o (id int NOT NULL PRIMARY KEY, status enum('new','done') NOT NULL DEFAULT 'new');
