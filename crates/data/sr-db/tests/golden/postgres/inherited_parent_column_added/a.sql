CREATE TABLE entity (id bigserial, kind text NOT NULL, ref bigint NOT NULL);
CREATE TABLE entity_a (
    CONSTRAINT entity_a_kind CHECK (kind = 'A'),
    UNIQUE (ref, kind)
) INHERITS (entity);
CREATE TABLE entity_b (kind text NOT NULL, extra integer) INHERITS (entity);
