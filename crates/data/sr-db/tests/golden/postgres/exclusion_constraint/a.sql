CREATE TABLE bookings (id integer PRIMARY KEY, room integer, during tsrange);
