CREATE TABLE order_lines (id int NOT NULL PRIMARY KEY, qty int, price decimal(10,2));
