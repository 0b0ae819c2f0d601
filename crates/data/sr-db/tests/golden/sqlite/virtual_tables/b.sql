-- A full-text table gets a tokenizer (rebuilt, rows copied), an R*Tree
-- index appears; their shadow tables are never objects of their own.
CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter');
CREATE VIRTUAL TABLE areas USING rtree(id, min_x, max_x, min_y, max_y);
CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
