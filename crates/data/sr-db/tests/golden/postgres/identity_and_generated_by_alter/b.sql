-- A plain column becomes an identity, an identity changes kind, and a
-- generated column becomes a plain one that keeps its values.
CREATE TABLE item (
    id integer GENERATED ALWAYS AS IDENTITY,
    code integer GENERATED ALWAYS AS IDENTITY,
    price numeric NOT NULL,
    qty integer NOT NULL,
    total numeric
);
