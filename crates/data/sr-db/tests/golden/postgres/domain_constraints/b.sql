-- Domain checks added, changed and dropped, defaults and NOT NULL, while
-- tables use the domains; a new domain over another.
CREATE DOMAIN email AS text NOT NULL
    CONSTRAINT email_at CHECK (VALUE LIKE '%@%.%')
    CONSTRAINT email_short CHECK (length(VALUE) < 200);
CREATE DOMAIN quantity AS integer;
CREATE DOMAIN work_email AS email CONSTRAINT work_email_domain CHECK (VALUE LIKE '%@example.com');
CREATE TABLE customer (id integer PRIMARY KEY, contact email, usual quantity, office work_email);
COMMENT ON DOMAIN quantity IS 'a count of items';
