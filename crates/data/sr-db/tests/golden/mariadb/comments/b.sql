CREATE TABLE t (id int NOT NULL PRIMARY KEY, name varchar(10) COMMENT 'Shown to customers') COMMENT='Things we sell';
