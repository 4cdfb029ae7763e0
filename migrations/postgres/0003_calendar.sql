-- The work calendar: days that break the Monday–Friday rule (放假, 调休上班), shipped as official
-- arrangements and edited by administrators.

CREATE TABLE calendar_days (
    day        DATE PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name       TEXT NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('official', 'admin')),
    updated_at TIMESTAMPTZ NOT NULL
);
