CREATE TABLE log (msg varchar(100));
CREATE FUNCTION add_tax(x decimal(10,2)) RETURNS decimal(10,2) DETERMINISTIC RETURN x * 1.2;
CREATE PROCEDURE note(m varchar(100)) INSERT INTO log VALUES (m);
