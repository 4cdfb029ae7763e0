-- 一键报警与门禁: alarm points (校园一键报警, 社区一键报警柱, 居家紧急按钮) and door controllers, bound
-- to a place and a grid. Each signs its calls with its own key (HMAC-SM3), kept sealed here: the
-- hub must read it to check a signature. Nonces seen in the last minutes refuse replays.

CREATE TABLE alarm_points (
    id             INTEGER PRIMARY KEY,
    -- The number on the device (its serial or GB/T 28181 id), unique in the district.
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    -- The grid it stands in.
    org_code       TEXT NOT NULL,
    place_id       INTEGER REFERENCES places (id),
    lon            REAL NOT NULL,
    lat            REAL NOT NULL,
    address        TEXT,
    key_sealed     BLOB NOT NULL,
    heartbeat_secs INTEGER NOT NULL,
    last_seen_at   TEXT,
    created_at     TEXT NOT NULL
);
CREATE INDEX alarm_points_org ON alarm_points (org_code);

CREATE TABLE alarm_nonces (
    point_id INTEGER NOT NULL REFERENCES alarm_points (id),
    nonce    TEXT NOT NULL,
    at       TEXT NOT NULL,
    PRIMARY KEY (point_id, nonce)
);
