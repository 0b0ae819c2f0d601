CREATE TABLE bookings (id integer PRIMARY KEY, room integer, during tsrange, CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&));
CREATE TABLE slots (id integer PRIMARY KEY, during tsrange, CONSTRAINT slots_no_overlap EXCLUDE USING gist (during WITH &&));
