CREATE TABLE o (id int NOT NULL PRIMARY KEY, updated_at timestamp NULL, touched datetime);
