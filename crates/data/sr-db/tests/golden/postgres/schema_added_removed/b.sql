CREATE SCHEMA sales;
CREATE TABLE sales.orders (id integer PRIMARY KEY);
CREATE VIEW sales.ids AS SELECT id FROM sales.orders;
