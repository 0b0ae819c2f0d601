CREATE TABLE customers (id int NOT NULL PRIMARY KEY, email varchar(120) NOT NULL, name varchar(80), active tinyint(1) NOT NULL DEFAULT 1);
