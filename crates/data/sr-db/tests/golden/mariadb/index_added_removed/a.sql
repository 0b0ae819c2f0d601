CREATE TABLE o (id int NOT NULL PRIMARY KEY, c int, placed datetime, KEY o_placed (placed));
