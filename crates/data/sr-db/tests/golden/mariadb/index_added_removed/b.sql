CREATE TABLE o (id int NOT NULL PRIMARY KEY, c int, placed datetime, KEY o_c_placed (c, placed));
