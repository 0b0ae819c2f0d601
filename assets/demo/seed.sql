-- Seed rows for the demo shop (run after schema.sql).
--
-- Every value is computed from row numbers, so every fresh demo database
-- holds exactly the same rows; nothing depends on the clock or random().

INSERT INTO categories (id, parent_id, name, slug) VALUES
    (1, NULL, 'Home', 'home'),
    (2, NULL, 'Outdoors', 'outdoors'),
    (3, NULL, 'Electronics', 'electronics'),
    (4, 1, 'Kitchen', 'kitchen'),
    (5, 1, 'Furniture', 'furniture'),
    (6, 2, 'Camping', 'camping'),
    (7, 2, 'Cycling', 'cycling'),
    (8, 3, 'Audio', 'audio'),
    (9, 3, 'Computers', 'computers'),
    (10, 1, 'Lighting', 'lighting');

INSERT INTO suppliers (id, name, email, country, created_at) VALUES
    (1, 'Northwind Traders', 'orders@northwind.example', 'US', '2023-01-05 10:00:00'),
    (2, 'Fjord Outfitters', 'sales@fjord.example', 'NO', '2023-02-11 09:30:00'),
    (3, 'Kato Electronics', 'b2b@kato.example', 'JP', '2023-03-02 08:15:00'),
    (4, 'Atelier Bois', 'contact@atelierbois.example', 'FR', '2023-03-20 14:45:00'),
    (5, 'Ruhr Metallwerk', 'vertrieb@ruhr.example', 'DE', '2023-04-18 11:00:00'),
    (6, 'Pampas Trail Co', 'hola@pampas.example', 'AR', '2023-06-01 16:20:00'),
    (7, 'Maple Audio', 'wholesale@mapleaudio.example', 'CA', '2023-07-07 12:00:00'),
    (8, 'Kiwi Cycle Supply', 'trade@kiwicycle.example', 'NZ', '2023-08-23 07:50:00');

-- 40 products: four lines (Classic, Compact, Pro, Eco) of ten items.
WITH RECURSIVE
    n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40),
    item(k, noun, category_id, supplier_id, base_cents, weight_g) AS (VALUES
        (0, 'Kettle', 4, 5, 3900, 1200),
        (1, 'Chef Knife', 4, 5, 5900, 250),
        (2, 'Desk Chair', 5, 4, 18900, 14000),
        (3, 'Bookshelf', 5, 4, 12900, 22000),
        (4, 'Tent', 6, 2, 24900, 3100),
        (5, 'Sleeping Bag', 6, 6, 11900, 1600),
        (6, 'Bike Light', 7, 8, 2900, NULL),
        (7, 'Helmet', 7, 8, 6900, 380),
        (8, 'Headphones', 8, 7, 14900, 290),
        (9, 'Keyboard', 9, 3, 8900, 900)),
    line(k, adjective, price_factor) AS (VALUES
        (0, 'Classic', 100), (1, 'Compact', 85), (2, 'Pro', 160), (3, 'Eco', 110))
INSERT INTO products (id, sku, name, description, category_id, supplier_id,
                      price_cents, weight_g, active, created_at)
SELECT n.i,
       printf('%s-%03d', upper(substr(item.noun, 1, 3)), n.i),
       line.adjective || ' ' || item.noun,
       'The ' || lower(line.adjective) || ' ' || lower(item.noun) || ' from our ' ||
           (SELECT name FROM categories WHERE id = item.category_id) || ' range.',
       item.category_id,
       CASE WHEN n.i % 11 = 0 THEN NULL ELSE item.supplier_id END,
       item.base_cents * line.price_factor / 100 - 1,
       item.weight_g,
       CASE WHEN n.i % 13 = 0 THEN 0 ELSE 1 END,
       datetime('2023-09-01 08:00:00', '+' || n.i || ' days')
FROM n
JOIN item ON item.k = (n.i - 1) % 10
JOIN line ON line.k = (n.i - 1) / 10;

-- 60 customers.
WITH RECURSIVE
    n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60),
    first(k, name) AS (VALUES
        (0, 'Ada'), (1, 'Bruno'), (2, 'Chen'), (3, 'Dalia'), (4, 'Emeka'),
        (5, 'Freya'), (6, 'Gustavo'), (7, 'Hana'), (8, 'Ivan'), (9, 'Jun'),
        (10, 'Kofi'), (11, 'Lena')),
    last(k, name) AS (VALUES
        (0, 'Okafor'), (1, 'Lindqvist'), (2, 'Moreau'), (3, 'Tanaka'),
        (4, 'Garcia'), (5, 'Novak'), (6, 'Silva')),
    people AS (
        SELECT n.i AS i, first.name AS first_name, last.name AS last_name
        FROM n
        JOIN first ON first.k = (n.i - 1) % 12
        JOIN last ON last.k = (n.i * 5) % 7)
INSERT INTO customers (id, email, first_name, last_name, phone, status, created_at)
SELECT i,
       lower(first_name) || '.' || lower(last_name) || i || '@mail.example',
       first_name,
       last_name,
       CASE WHEN i % 4 = 0 THEN NULL ELSE printf('+1-555-%04d', i * 37 % 10000) END,
       CASE WHEN i % 29 = 0 THEN 'suspended' WHEN i % 31 = 0 THEN 'closed' ELSE 'active' END,
       datetime('2023-10-01 12:00:00', '+' || (i * 3) || ' days', '+' || (i * 47 % 600) || ' minutes')
FROM people;

-- A shipping address per customer (ids 1-60, id = customer id) and a
-- billing address for every other customer.
WITH RECURSIVE
    n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60),
    town(k, city, country, postal) AS (VALUES
        (0, 'Portland', 'US', '97201'), (1, 'Oslo', 'NO', '0150'),
        (2, 'Osaka', 'JP', '530-0001'), (3, 'Lyon', 'FR', '69001'),
        (4, 'Essen', 'DE', '45127'), (5, 'Toronto', 'CA', 'M5H 2N2'))
INSERT INTO addresses (id, customer_id, kind, line1, line2, city, postal_code, country, is_default)
SELECT n.i, n.i, 'shipping',
       (n.i * 7 % 200 + 1) || ' ' || CASE n.i % 3 WHEN 0 THEN 'Harbour Street' WHEN 1 THEN 'Elm Avenue' ELSE 'Mill Road' END,
       CASE WHEN n.i % 5 = 0 THEN 'Apt ' || (n.i % 12 + 1) END,
       town.city, town.postal, town.country, 1
FROM n JOIN town ON town.k = n.i % 6
UNION ALL
SELECT 60 + n.i / 2, n.i, 'billing',
       'PO Box ' || (1000 + n.i), NULL,
       town.city, town.postal, town.country, 0
FROM n JOIN town ON town.k = n.i % 6
WHERE n.i % 2 = 0;

INSERT INTO coupons (id, code, percent_off, valid_from, valid_until, max_uses) VALUES
    (1, 'WELCOME10', 10, '2024-01-01', '2024-12-31', NULL),
    (2, 'SPRING15', 15, '2024-03-01', '2024-05-31', 500),
    (3, 'SUMMER20', 20, '2024-06-01', '2024-08-31', 500),
    (4, 'BLACKFRIDAY', 30, '2024-11-29', '2024-12-02', 1000),
    (5, 'LOYAL5', 5, '2024-01-01', '2025-12-31', NULL),
    (6, 'STAFF25', 25, '2024-01-01', '2025-12-31', 50);

-- 120 orders over 2024; the newest are still pending or paid.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120)
INSERT INTO orders (id, customer_id, shipping_address_id, coupon_id, status, placed_at, updated_at, notes)
SELECT i,
       (i * 7) % 60 + 1,
       (i * 7) % 60 + 1,
       CASE WHEN i % 9 = 0 THEN (i / 9) % 6 + 1 END,
       CASE
           WHEN i % 17 = 0 THEN 'cancelled'
           WHEN i % 23 = 0 THEN 'refunded'
           WHEN i > 110 THEN 'pending'
           WHEN i > 100 THEN 'paid'
           WHEN i > 90 THEN 'shipped'
           ELSE 'delivered'
       END,
       datetime('2024-01-02 09:00:00', '+' || (i * 3) || ' days', '+' || (i * 37 % 600) || ' minutes'),
       datetime('2024-01-02 09:00:00', '+' || (i * 3 + 1) || ' days', '+' || (i * 37 % 600) || ' minutes'),
       CASE WHEN i % 10 = 0 THEN 'Leave the parcel with a neighbour.' END
FROM n;

-- One to four lines per order, each a different product. Inserted before
-- inventory on purpose: the reserve-stock trigger then finds no inventory
-- row to update, and the seeded stock levels below stay exactly as written.
WITH RECURSIVE
    k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < 4)
INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
SELECT o.id,
       (o.id * 13 + k.j * 7) % 40 + 1,
       (o.id + k.j) % 3 + 1,
       p.price_cents
FROM orders o
JOIN k ON k.j <= o.id % 4 + 1
JOIN products p ON p.id = (o.id * 13 + k.j * 7) % 40 + 1;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
INSERT INTO inventory (product_id, warehouse, quantity, reorder_level, updated_at)
SELECT i,
       CASE WHEN i % 2 = 0 THEN 'main' ELSE 'east' END,
       CASE WHEN i % 7 = 0 THEN i % 5 ELSE 20 + (i * 17) % 180 END,
       CASE WHEN i % 3 = 0 THEN 25 ELSE 10 END,
       datetime('2024-12-01 06:00:00', '+' || i || ' hours')
FROM n;

-- Payments for every order that got past "pending".
INSERT INTO payments (id, order_id, amount_cents, method, status, provider_ref, paid_at)
SELECT t.order_id,
       t.order_id,
       t.total_cents,
       CASE t.order_id % 4 WHEN 0 THEN 'card' WHEN 1 THEN 'paypal' WHEN 2 THEN 'card' ELSE 'bank_transfer' END,
       CASE t.status WHEN 'refunded' THEN 'refunded' ELSE 'captured' END,
       printf('ch_%08d', t.order_id * 7919),
       datetime(o.placed_at, '+1 hour')
FROM order_totals t
JOIN orders o ON o.id = t.order_id
WHERE t.status IN ('paid', 'shipped', 'delivered', 'refunded');

INSERT INTO shipments (id, order_id, carrier, tracking_number, shipped_at, delivered_at)
SELECT o.id,
       o.id,
       CASE o.id % 3 WHEN 0 THEN 'UPS' WHEN 1 THEN 'DHL' ELSE 'PostNord' END,
       printf('TRK%010d', o.id * 104729),
       datetime(o.placed_at, '+2 days'),
       CASE WHEN o.status = 'delivered' THEN datetime(o.placed_at, '+5 days') END
FROM orders o
WHERE o.status IN ('shipped', 'delivered');

-- Reviews from customers whose orders were delivered; one per customer and
-- product (the unique key), so later duplicates are skipped.
INSERT OR IGNORE INTO reviews (product_id, customer_id, rating, title, body, created_at)
SELECT oi.product_id,
       o.customer_id,
       (oi.order_id * oi.product_id) % 5 + 1,
       CASE (oi.order_id * oi.product_id) % 5 + 1
           WHEN 1 THEN 'Disappointing'
           WHEN 2 THEN 'Not great'
           WHEN 3 THEN 'Does the job'
           WHEN 4 THEN 'Very good'
           ELSE 'Excellent'
       END,
       CASE WHEN oi.order_id % 2 = 0 THEN 'Arrived on time and as described.' END,
       datetime(o.placed_at, '+9 days')
FROM order_items oi
JOIN orders o ON o.id = oi.order_id
WHERE o.status = 'delivered'
  AND (oi.order_id + oi.product_id) % 3 = 0
ORDER BY oi.order_id, oi.product_id;
