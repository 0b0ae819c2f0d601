CREATE TABLE order_lines (id int NOT NULL AUTO_INCREMENT, order_id int NOT NULL, PRIMARY KEY (id, order_id));
