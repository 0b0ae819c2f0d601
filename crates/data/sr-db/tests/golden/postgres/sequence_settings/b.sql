-- The serial's sequence is let go of its column (which keeps it as a
-- default), a free sequence becomes owned by its column, and one changes
-- type, bounds, step, cache and cycling.
CREATE SEQUENCE ticket_id_seq AS integer;
CREATE TABLE ticket (id integer PRIMARY KEY DEFAULT nextval('ticket_id_seq'));
CREATE SEQUENCE ledger_no;
CREATE TABLE ledger (no integer NOT NULL DEFAULT nextval('ledger_no'));
ALTER SEQUENCE ledger_no OWNED BY ledger.no;
CREATE SEQUENCE batch_no AS bigint INCREMENT BY 5 MINVALUE 10 MAXVALUE 500000 START 10 CACHE 20 CYCLE;
CREATE SEQUENCE spare_no;
CREATE TABLE spare (no bigint);
ALTER SEQUENCE spare_no OWNED BY spare.no;
