-- 送法下乡 / 法治赶场日 / 政法服务进小区: the outreach teams ("通川有礼"法治服务小分队, with how many
-- officers each) and their activities — where, when, how many officers took part and how many people
-- were reached, the materials handed out and the questions answered — with photos kept in the files
-- store under their SM3 digest.

CREATE TABLE outreach_teams (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    -- The lead unit (政法委, 法院, 公安分局 …).
    lead_unit  TEXT NOT NULL,
    officers   INTEGER NOT NULL,
    org_code   TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE outreach_activities (
    id             INTEGER PRIMARY KEY,
    client_id      TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    team_id        INTEGER REFERENCES outreach_teams (id),
    -- Where it was held (a village, a community or a township).
    org_code       TEXT NOT NULL,
    place          TEXT NOT NULL,
    held_on        TEXT NOT NULL,
    officers       INTEGER NOT NULL,
    people_reached INTEGER NOT NULL,
    materials      INTEGER NOT NULL,
    questions      INTEGER NOT NULL,
    summary        TEXT NOT NULL,
    recorded_by    INTEGER NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL
);
CREATE INDEX outreach_activities_org ON outreach_activities (org_code, held_on);

CREATE TABLE outreach_photos (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES outreach_activities (id),
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    digest       TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX outreach_photos_activity ON outreach_photos (activity_id);
