-- ScratchRobin demo database: a small online shop.
--
-- This file is embedded into the scratchrobin binary (crates/data/sr-db) and run
-- against a fresh SQLite file, followed by seed.sql. It exercises what the
-- workbench shows: primary, unique, check and foreign keys with actions, a
-- generated column, plain, partial and expression indexes, views and
-- triggers. It must stay valid SQLite.

PRAGMA foreign_keys = ON;

CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES categories (id) ON DELETE SET NULL,
    name        TEXT    NOT NULL,
    slug        TEXT    NOT NULL UNIQUE,
    CONSTRAINT categories_slug_format CHECK (slug = lower(slug) AND slug NOT LIKE '% %')
);

CREATE TABLE suppliers (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    email       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    country     TEXT    NOT NULL DEFAULT 'US' CHECK (length(country) = 2),
    created_at  TEXT    NOT NULL DEFAULT (datetime('now'))
);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    sku         TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    description TEXT,
    category_id INTEGER NOT NULL REFERENCES categories (id) ON DELETE RESTRICT ON UPDATE CASCADE,
    supplier_id INTEGER REFERENCES suppliers (id) ON DELETE SET NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    weight_g    INTEGER CHECK (weight_g IS NULL OR weight_g > 0),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    search_name TEXT GENERATED ALWAYS AS (lower(name)) VIRTUAL,
    created_at  TEXT    NOT NULL DEFAULT (datetime('now'))
);

CREATE TABLE inventory (
    product_id    INTEGER PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    warehouse     TEXT    NOT NULL DEFAULT 'main',
    quantity      INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    reorder_level INTEGER NOT NULL DEFAULT 10 CHECK (reorder_level >= 0),
    updated_at    TEXT    NOT NULL DEFAULT (datetime('now'))
);

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    email       TEXT    NOT NULL COLLATE NOCASE,
    first_name  TEXT    NOT NULL,
    last_name   TEXT    NOT NULL,
    phone       TEXT,
    status      TEXT    NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'suspended', 'closed')),
    created_at  TEXT    NOT NULL DEFAULT (datetime('now')),
    CONSTRAINT customers_email_key UNIQUE (email),
    CONSTRAINT customers_email_format CHECK (email LIKE '%_@_%._%')
);

CREATE TABLE addresses (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('billing', 'shipping')),
    line1       TEXT    NOT NULL,
    line2       TEXT,
    city        TEXT    NOT NULL,
    postal_code TEXT    NOT NULL,
    country     TEXT    NOT NULL DEFAULT 'US',
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1))
);

CREATE TABLE coupons (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    percent_off INTEGER NOT NULL CHECK (percent_off BETWEEN 1 AND 90),
    valid_from  TEXT    NOT NULL,
    valid_until TEXT    NOT NULL,
    max_uses    INTEGER,
    CONSTRAINT coupons_valid_range CHECK (valid_until > valid_from)
);

CREATE TABLE orders (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id         INTEGER NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    shipping_address_id INTEGER REFERENCES addresses (id) ON DELETE SET NULL,
    coupon_id           INTEGER,
    status              TEXT    NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
    placed_at           TEXT    NOT NULL DEFAULT (datetime('now')),
    updated_at          TEXT    NOT NULL DEFAULT (datetime('now')),
    notes               TEXT,
    CONSTRAINT orders_coupon_fk FOREIGN KEY (coupon_id) REFERENCES coupons (id)
        ON DELETE SET NULL ON UPDATE NO ACTION
);

CREATE TABLE order_items (
    order_id         INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id       INTEGER NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    PRIMARY KEY (order_id, product_id)
) WITHOUT ROWID;

CREATE TABLE payments (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    method       TEXT    NOT NULL CHECK (method IN ('card', 'paypal', 'bank_transfer', 'gift_card')),
    status       TEXT    NOT NULL DEFAULT 'authorized'
                 CHECK (status IN ('authorized', 'captured', 'failed', 'refunded')),
    provider_ref TEXT    UNIQUE,
    paid_at      TEXT    NOT NULL DEFAULT (datetime('now'))
);

CREATE TABLE shipments (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE ON UPDATE CASCADE,
    carrier         TEXT    NOT NULL,
    tracking_number TEXT    NOT NULL,
    shipped_at      TEXT    NOT NULL,
    delivered_at    TEXT,
    CONSTRAINT shipments_tracking_key UNIQUE (carrier, tracking_number),
    CONSTRAINT shipments_delivery_after_shipping
        CHECK (delivered_at IS NULL OR delivered_at >= shipped_at)
);

CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    product_id  INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    customer_id INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title       TEXT    NOT NULL,
    body        TEXT,
    created_at  TEXT    NOT NULL DEFAULT (datetime('now')),
    UNIQUE (product_id, customer_id)
);

-- Plain indexes on the foreign keys that joins and cascades walk.
CREATE INDEX idx_categories_parent ON categories (parent_id);
CREATE INDEX idx_products_category ON products (category_id);
CREATE INDEX idx_products_supplier ON products (supplier_id);
CREATE INDEX idx_addresses_customer ON addresses (customer_id, kind);
CREATE INDEX idx_orders_customer_placed ON orders (customer_id, placed_at DESC);
CREATE INDEX idx_order_items_product ON order_items (product_id);
CREATE INDEX idx_payments_order ON payments (order_id);
CREATE INDEX idx_shipments_order ON shipments (order_id);
CREATE INDEX idx_reviews_product_rating ON reviews (product_id, rating DESC);

-- Partial index: only orders still waiting for payment or shipping.
CREATE INDEX idx_orders_open ON orders (placed_at)
    WHERE status IN ('pending', 'paid');

-- Expression index: case-insensitive look-up of customers by e-mail.
CREATE UNIQUE INDEX idx_customers_email_lower ON customers (lower(email));

-- Order totals after the coupon discount, one row per order.
CREATE VIEW order_totals AS
SELECT o.id                                    AS order_id,
       o.customer_id                           AS customer_id,
       o.status                                AS status,
       count(oi.product_id)                    AS item_count,
       coalesce(sum(oi.quantity * oi.unit_price_cents), 0) AS subtotal_cents,
       coalesce(sum(oi.quantity * oi.unit_price_cents), 0)
         * coalesce(c.percent_off, 0) / 100   AS discount_cents,
       coalesce(sum(oi.quantity * oi.unit_price_cents), 0)
         - coalesce(sum(oi.quantity * oi.unit_price_cents), 0)
           * coalesce(c.percent_off, 0) / 100 AS total_cents
FROM orders o
LEFT JOIN order_items oi ON oi.order_id = o.id
LEFT JOIN coupons c ON c.id = o.coupon_id
GROUP BY o.id;

-- Active products at or below their reorder level.
CREATE VIEW low_stock AS
SELECT p.id            AS product_id,
       p.sku           AS sku,
       p.name          AS name,
       s.name          AS supplier,
       i.warehouse     AS warehouse,
       i.quantity      AS quantity,
       i.reorder_level AS reorder_level
FROM inventory i
JOIN products p ON p.id = i.product_id
LEFT JOIN suppliers s ON s.id = p.supplier_id
WHERE p.active = 1
  AND i.quantity <= i.reorder_level;

-- Keep orders.updated_at current. Recursive triggers are off by default in
-- SQLite, so the inner UPDATE does not fire this trigger again.
CREATE TRIGGER orders_touch_updated_at
AFTER UPDATE OF status, shipping_address_id, coupon_id, notes ON orders
FOR EACH ROW
WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE orders SET updated_at = datetime('now') WHERE id = NEW.id;
END;

-- Reserve stock when an order line is added.
CREATE TRIGGER order_items_reserve_stock
AFTER INSERT ON order_items
FOR EACH ROW
BEGIN
    UPDATE inventory
       SET quantity = quantity - NEW.quantity,
           updated_at = datetime('now')
     WHERE product_id = NEW.product_id;
END;
