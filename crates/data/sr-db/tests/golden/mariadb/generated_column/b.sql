CREATE TABLE order_lines (id int NOT NULL PRIMARY KEY, qty int, price decimal(10,2), amount decimal(20,2) AS (qty * price) STORED, label varchar(30) AS (concat('line ', id)) VIRTUAL);
