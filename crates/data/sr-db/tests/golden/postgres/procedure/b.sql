CREATE TABLE log (msg text);
CREATE PROCEDURE note(m text) LANGUAGE sql AS $$ INSERT INTO log VALUES (m) $$;
