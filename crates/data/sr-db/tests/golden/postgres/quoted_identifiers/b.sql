CREATE TABLE "Order Lines" ("Id" integer PRIMARY KEY, "Qty" bigint, "Unit Price" numeric(10,2));
CREATE INDEX "Order Lines By Qty" ON "Order Lines" ("Qty" DESC NULLS LAST);
