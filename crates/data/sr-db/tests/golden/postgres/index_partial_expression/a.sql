CREATE TABLE u (id integer PRIMARY KEY, email text, active boolean);
CREATE UNIQUE INDEX u_email ON u (email);
