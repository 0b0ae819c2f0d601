CREATE TABLE docs (id integer PRIMARY KEY, owner text);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY docs_read ON docs FOR SELECT USING (owner = current_user);
CREATE POLICY docs_old ON docs FOR DELETE USING (false);
