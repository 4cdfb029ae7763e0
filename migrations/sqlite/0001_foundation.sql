-- The foundation: the org tree with grid boundaries, departments, accounts, sessions,
-- versioned code tables and settings.

CREATE TABLE org_units (
    code        TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES org_units (code),
    level       TEXT NOT NULL CHECK (level IN ('district', 'township', 'village', 'grid')),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    provenance  TEXT NOT NULL CHECK (provenance IN ('official', 'real_name', 'synthetic', 'imported')),
    version     TEXT NOT NULL,
    retired_at  TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX org_units_parent ON org_units (parent_code);

CREATE TABLE grids (
    code      TEXT PRIMARY KEY REFERENCES org_units (code),
    boundary  TEXT NOT NULL,
    label_lon REAL NOT NULL,
    label_lat REAL NOT NULL
);

CREATE TABLE departments (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    org_code   TEXT NOT NULL REFERENCES org_units (code),
    created_at TEXT NOT NULL
);
CREATE INDEX departments_org ON departments (org_code);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    org_code             TEXT NOT NULL REFERENCES org_units (code),
    department_id        INTEGER REFERENCES departments (id),
    role                 TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled             INTEGER NOT NULL DEFAULT 0,
    created_at           TEXT NOT NULL,
    password_changed_at  TEXT NOT NULL
);
CREATE INDEX users_org ON users (org_code);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    source_addr  TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE code_tables (
    table_key TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    standard  TEXT NOT NULL,
    version   TEXT NOT NULL
);

CREATE TABLE code_entries (
    table_key  TEXT NOT NULL REFERENCES code_tables (table_key),
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    version    TEXT NOT NULL,
    retired_at TEXT,
    PRIMARY KEY (table_key, code)
);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
