-- Video devices that speak GB/T 28181 to the hub: registration, liveness and every change of their
-- online state (the 点亮率 is computed from these).

CREATE TABLE video_devices (
    device_id          TEXT PRIMARY KEY,
    remote_addr        TEXT,
    transport          TEXT NOT NULL,
    registered_until   TEXT,
    last_heard_at      TEXT,
    offline_at         TEXT,
    heartbeat_interval INTEGER NOT NULL,
    heartbeat_count    INTEGER NOT NULL,
    online             INTEGER NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX video_devices_due ON video_devices (online, offline_at);

CREATE TABLE video_status_log (
    id        INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES video_devices (device_id),
    online    INTEGER NOT NULL,
    at        TEXT NOT NULL,
    reason    TEXT NOT NULL
);
CREATE INDEX video_status_log_device ON video_status_log (device_id, id);

-- The channels (cameras) a device reported in its catalog, with the grid their point lies in.
CREATE TABLE video_channels (
    channel_id   TEXT PRIMARY KEY,
    device_id    TEXT NOT NULL REFERENCES video_devices (device_id),
    name         TEXT NOT NULL,
    manufacturer TEXT,
    model        TEXT,
    civil_code   TEXT,
    address      TEXT,
    parent_id    TEXT,
    status       TEXT,
    lon          REAL,
    lat          REAL,
    grid_code    TEXT,
    updated_at   TEXT NOT NULL
);
CREATE INDEX video_channels_device ON video_channels (device_id);
CREATE INDEX video_channels_grid ON video_channels (grid_code);
