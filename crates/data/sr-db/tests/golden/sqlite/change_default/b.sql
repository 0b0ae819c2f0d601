CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT DEFAULT 'open', created_at TEXT DEFAULT (datetime('now')));
