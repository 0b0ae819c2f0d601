-- Columns and checks added to the parent reach the children by
-- inheritance; they are never added to a child again. The second child
-- declared a parent column itself (merged): it still belongs to the parent.
CREATE TABLE entity (
    id bigserial,
    kind text NOT NULL,
    ref bigint NOT NULL,
    note text,
    CONSTRAINT entity_ref_positive CHECK (ref > 0)
);
CREATE TABLE entity_a (
    CONSTRAINT entity_a_kind CHECK (kind = 'A'),
    UNIQUE (ref, kind)
) INHERITS (entity);
CREATE TABLE entity_b (kind text NOT NULL, extra integer) INHERITS (entity);
CREATE TABLE entity_c (CONSTRAINT entity_c_kind CHECK (kind = 'C')) INHERITS (entity);
