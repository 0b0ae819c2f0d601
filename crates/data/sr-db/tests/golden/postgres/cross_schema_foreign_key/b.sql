CREATE SCHEMA crm;
CREATE SCHEMA shop;
CREATE TABLE crm.customers (id integer PRIMARY KEY);
CREATE TABLE shop.orders (id integer PRIMARY KEY, customer_id integer REFERENCES crm.customers(id) ON DELETE RESTRICT);
