CREATE TABLE t (id int NOT NULL PRIMARY KEY, status varchar(10) NOT NULL DEFAULT 'new', created_at datetime DEFAULT current_timestamp());
