CREATE TABLE "Order Lines" ("Id" integer PRIMARY KEY, "Qty" integer);
