-- The video-resource registry (视频资源台账) on top of what the devices report: each device's name,
-- network and own digest password (sealed), each channel's network, capability, key place, owner
-- and maintainer; every change of a channel's own status; and hourly samples of the 点亮率 per
-- township and network for the figures over time.

ALTER TABLE video_devices ADD COLUMN name TEXT;
ALTER TABLE video_devices ADD COLUMN network TEXT NOT NULL DEFAULT 'xueliang';
ALTER TABLE video_devices ADD COLUMN password_sealed BYTEA;
ALTER TABLE video_devices ADD COLUMN manufacturer TEXT;
ALTER TABLE video_devices ADD COLUMN model TEXT;
ALTER TABLE video_devices ADD COLUMN firmware TEXT;
-- The device's last answer to a DeviceStatus query, as JSON, and when it came.
ALTER TABLE video_devices ADD COLUMN status_report TEXT;
ALTER TABLE video_devices ADD COLUMN status_report_at TIMESTAMPTZ;

ALTER TABLE video_channels ADD COLUMN network TEXT NOT NULL DEFAULT 'xueliang';
ALTER TABLE video_channels ADD COLUMN capability TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE video_channels ADD COLUMN place_kind TEXT;
ALTER TABLE video_channels ADD COLUMN owner TEXT;
ALTER TABLE video_channels ADD COLUMN maintainer TEXT;
ALTER TABLE video_channels ADD COLUMN status_since TIMESTAMPTZ;
CREATE INDEX video_channels_network ON video_channels (network, grid_code);

CREATE TABLE video_channel_log (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel_id TEXT NOT NULL REFERENCES video_channels (channel_id),
    status     TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    reason     TEXT NOT NULL
);
CREATE INDEX video_channel_log_channel ON video_channel_log (channel_id, id);

CREATE TABLE video_online_samples (
    at        TIMESTAMPTZ NOT NULL,
    township  TEXT NOT NULL,
    network   TEXT NOT NULL,
    channels  BIGINT NOT NULL,
    online    BIGINT NOT NULL,
    PRIMARY KEY (at, township, network)
);
