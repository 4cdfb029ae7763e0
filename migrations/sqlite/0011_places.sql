-- 场所与组织 (GB/T 31000-2015 §1.3 出租房屋, §1.6, §1.8, §1.10): schools, hospitals, markets,
-- venues, 寄递物流 outlets, organisations and rental houses of a grid. The principal's name and
-- phone are sealed (SM4-GCM) with masked forms beside them. A place that closes is ended, never
-- deleted; an organisation is one active row per 统一社会信用代码, any place without one per grid,
-- category and name.

CREATE TABLE places (
    id               INTEGER PRIMARY KEY,
    grid_code        TEXT NOT NULL,
    category         TEXT NOT NULL,
    name             TEXT NOT NULL,
    address          TEXT NOT NULL,
    credit_code      TEXT,
    principal_sealed BLOB,
    principal_masked TEXT,
    phone_sealed     BLOB,
    phone_masked     TEXT,
    headcount        INTEGER,
    attention        TEXT NOT NULL,
    hazard           TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    ended_at         TEXT
);
CREATE UNIQUE INDEX places_active_credit ON places (credit_code)
    WHERE credit_code IS NOT NULL AND ended_at IS NULL;
CREATE UNIQUE INDEX places_active_name ON places (grid_code, category, name)
    WHERE credit_code IS NULL AND ended_at IS NULL;

-- 承租人 of a rental house: persons of the registry, from a date, until they leave.
CREATE TABLE place_tenants (
    id         INTEGER PRIMARY KEY,
    place_id   INTEGER NOT NULL REFERENCES places (id),
    person_id  INTEGER NOT NULL REFERENCES persons (id),
    since      TEXT NOT NULL,
    ended_at   TEXT
);
CREATE UNIQUE INDEX place_tenants_active ON place_tenants (place_id, person_id) WHERE ended_at IS NULL;
CREATE INDEX place_tenants_person ON place_tenants (person_id);
