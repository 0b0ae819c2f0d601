CREATE TABLE o (id int NOT NULL PRIMARY KEY, total decimal(10,2), updated_at datetime);
