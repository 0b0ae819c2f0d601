CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT DEFAULT 'new', created_at TEXT);
