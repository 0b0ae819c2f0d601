CREATE SCHEMA crm;
CREATE TABLE crm.customers (id integer PRIMARY KEY);
