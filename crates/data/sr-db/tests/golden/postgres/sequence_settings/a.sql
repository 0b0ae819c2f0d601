CREATE TABLE ticket (id serial PRIMARY KEY);
CREATE SEQUENCE ledger_no;
CREATE TABLE ledger (no integer NOT NULL DEFAULT nextval('ledger_no'));
CREATE SEQUENCE batch_no AS integer INCREMENT BY 1 MINVALUE 1 MAXVALUE 1000 CACHE 1;
CREATE SEQUENCE spare_no;
CREATE TABLE spare (no bigint);
