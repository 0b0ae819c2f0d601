CREATE TABLE docs (id integer PRIMARY KEY, owner text);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY docs_read ON docs FOR SELECT TO PUBLIC USING (owner = current_user OR owner = 'shared');
CREATE POLICY docs_write ON docs AS RESTRICTIVE FOR INSERT WITH CHECK (owner = current_user);
