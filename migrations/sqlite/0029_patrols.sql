-- 巡防: the patrol forces of four levels (teams with their members' accounts, headcount and
-- vehicle), the key roads, sites and school gates with the daily windows that need cover, the
-- patrols (a shift on the phone: started, positions in batches, ended) with their positions, and
-- the cover each position gave: `segment_cover` is written with the positions, one row per
-- segment, day, window and team, so that a month's coverage of a district is read, not computed
-- from millions of positions. A batch's `client_id` makes a resend harmless.

CREATE TABLE patrol_teams (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    level         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    org_code      TEXT NOT NULL,
    headcount     INTEGER NOT NULL,
    -- 流动警务车 or patrol car.
    vehicle_plate TEXT,
    created_at    TEXT NOT NULL,
    UNIQUE (org_code, name)
);
CREATE INDEX patrol_teams_org ON patrol_teams (org_code, id);

CREATE TABLE patrol_team_members (
    team_id INTEGER NOT NULL REFERENCES patrol_teams (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX patrol_team_members_user ON patrol_team_members (user_id);

CREATE TABLE key_segments (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    org_code   TEXT NOT NULL,
    place_id   INTEGER REFERENCES places (id),
    -- WGS-84 points as JSON [[lon, lat], …]; `closed`: an area.
    shape      TEXT NOT NULL,
    closed     INTEGER NOT NULL,
    radius_m   INTEGER NOT NULL,
    -- Daily windows in Beijing time, e.g. 07:30-08:30,16:30-17:30.
    windows    TEXT NOT NULL,
    -- The days it needs cover (a festival, a campaign); none: every day.
    valid_from TEXT,
    valid_to   TEXT,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX key_segments_org ON key_segments (org_code, id);

CREATE TABLE patrols (
    id         INTEGER PRIMARY KEY,
    client_id  TEXT NOT NULL UNIQUE,
    team_id    INTEGER NOT NULL REFERENCES patrol_teams (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    -- The team's area.
    org_code   TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    last_lon   REAL,
    last_lat   REAL,
    last_at    TEXT,
    positions  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX patrols_org ON patrols (org_code, started_at);
CREATE INDEX patrols_user ON patrols (user_id, started_at);

CREATE TABLE patrol_positions (
    patrol_id INTEGER NOT NULL REFERENCES patrols (id),
    at        TEXT NOT NULL,
    lon       REAL NOT NULL,
    lat       REAL NOT NULL,
    PRIMARY KEY (patrol_id, at)
) WITHOUT ROWID;

CREATE TABLE patrol_batches (
    patrol_id   INTEGER NOT NULL REFERENCES patrols (id),
    client_id   TEXT NOT NULL,
    positions   INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (patrol_id, client_id)
) WITHOUT ROWID;

CREATE TABLE segment_cover (
    segment_id INTEGER NOT NULL REFERENCES key_segments (id),
    -- The Beijing day the window starts on, and the window's index in the segment's list.
    day        TEXT NOT NULL,
    slot       INTEGER NOT NULL,
    team_id    INTEGER NOT NULL REFERENCES patrol_teams (id),
    first_at   TEXT NOT NULL,
    PRIMARY KEY (segment_id, day, slot, team_id)
) WITHOUT ROWID;
CREATE INDEX segment_cover_day ON segment_cover (day, segment_id);

CREATE TABLE patrol_checkins (
    id         INTEGER PRIMARY KEY,
    patrol_id  INTEGER NOT NULL REFERENCES patrols (id),
    segment_id INTEGER NOT NULL REFERENCES key_segments (id),
    at         TEXT NOT NULL,
    lon        REAL,
    lat        REAL,
    -- `qr` (扫码) or `near` (by position).
    method     TEXT NOT NULL
);
CREATE INDEX patrol_checkins_patrol ON patrol_checkins (patrol_id, id);

-- 联勤联动: a hub sends the patrol nearest to an event (by its last position); the patrol's
-- positions mark its arrival within 100 m of the event's place.
CREATE TABLE patrol_dispatches (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES cases (id),
    patrol_id     INTEGER NOT NULL REFERENCES patrols (id),
    -- The event's place when the patrol was sent.
    lon           REAL NOT NULL,
    lat           REAL NOT NULL,
    -- From the patrol's last position, when it was sent.
    distance_m    INTEGER NOT NULL,
    dispatched_by INTEGER NOT NULL REFERENCES users (id),
    dispatched_at TEXT NOT NULL,
    arrived_at    TEXT
);
CREATE INDEX patrol_dispatches_event ON patrol_dispatches (event_id, id);
CREATE INDEX patrol_dispatches_open ON patrol_dispatches (patrol_id) WHERE arrived_at IS NULL;

-- 排班: a team's shift on a day — its window, how many go out, and the member accounts on it.
CREATE TABLE patrol_shifts (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES patrol_teams (id),
    day        TEXT NOT NULL,
    -- The window in Beijing time, e.g. 19:00-22:00.
    slot       TEXT NOT NULL,
    headcount  INTEGER NOT NULL,
    -- Space-separated ids of the member accounts on the shift.
    members    TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (team_id, day, slot)
);
CREATE INDEX patrol_shifts_day ON patrol_shifts (day, team_id);

UPDATE roles SET permissions = permissions || ' view_patrols manage_patrols'
 WHERE builtin = 1 AND name IN ('operator', 'commander');
UPDATE roles SET permissions = permissions || ' view_patrols' WHERE builtin = 1 AND name = 'leader';
UPDATE roles SET permissions = permissions || ' patrol' WHERE builtin = 1 AND name = 'grid_worker';
