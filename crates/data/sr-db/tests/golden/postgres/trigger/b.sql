CREATE TABLE o (id integer PRIMARY KEY, updated_at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER o_touch BEFORE INSERT OR UPDATE ON o FOR EACH ROW WHEN (NEW.id > 0) EXECUTE FUNCTION touch();
