-- A versioned table gains a column (the session lets its history
-- follow), a plain one starts keeping its history.
CREATE TABLE price (id INT PRIMARY KEY, amount DECIMAL(10, 2) NOT NULL, currency CHAR(3) NOT NULL DEFAULT 'EUR') WITH SYSTEM VERSIONING;
CREATE TABLE customer (id INT PRIMARY KEY, name VARCHAR(80) NOT NULL) WITH SYSTEM VERSIONING;
