CREATE TABLE users (id integer PRIMARY KEY, login text NOT NULL, email text, CONSTRAINT users_login_key UNIQUE (login), CONSTRAINT users_email_login_key UNIQUE (email, login));
