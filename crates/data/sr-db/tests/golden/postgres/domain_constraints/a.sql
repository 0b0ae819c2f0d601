CREATE DOMAIN email AS text CONSTRAINT email_at CHECK (VALUE LIKE '%@%');
CREATE DOMAIN quantity AS integer DEFAULT 1 CONSTRAINT quantity_positive CHECK (VALUE > 0);
CREATE TABLE customer (id integer PRIMARY KEY, contact email, usual quantity);
