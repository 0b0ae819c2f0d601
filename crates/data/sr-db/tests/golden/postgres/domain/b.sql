CREATE DOMAIN email AS text NOT NULL DEFAULT 'nobody@example.com' CONSTRAINT email_at CHECK (VALUE LIKE '%_@_%');
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE TABLE c (id integer PRIMARY KEY, e email, n positive);
