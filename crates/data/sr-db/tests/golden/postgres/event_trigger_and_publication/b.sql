-- An event trigger on a function created in the same migration, and a
-- publication whose tables and actions change.
CREATE TABLE audit_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tag text);
CREATE TABLE orders (id integer PRIMARY KEY, total numeric);
CREATE TABLE refunds (id integer PRIMARY KEY, amount numeric);
CREATE FUNCTION log_ddl() RETURNS event_trigger
    LANGUAGE plpgsql AS $$ BEGIN INSERT INTO audit_log (tag) VALUES (tg_tag); END $$;
CREATE EVENT TRIGGER log_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE')
    EXECUTE FUNCTION log_ddl();
CREATE PUBLICATION orders_pub FOR TABLE orders, refunds WITH (publish = 'insert, update');
CREATE PUBLICATION everything FOR ALL TABLES;
COMMENT ON EVENT TRIGGER log_ddl IS 'keeps a log of table changes';
COMMENT ON PUBLICATION everything IS 'for the replica';
