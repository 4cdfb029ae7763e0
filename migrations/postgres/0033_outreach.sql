-- 送法下乡 / 法治赶场日 / 政法服务进小区: the outreach teams ("通川有礼"法治服务小分队, with how many
-- officers each) and their activities — where, when, how many officers took part and how many people
-- were reached, the materials handed out and the questions answered — with photos kept in the files
-- store under their SM3 digest.

CREATE TABLE outreach_teams (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    -- The lead unit (政法委, 法院, 公安分局 …).
    lead_unit  TEXT NOT NULL,
    officers   BIGINT NOT NULL,
    org_code   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE outreach_activities (
    id             BIGSERIAL PRIMARY KEY,
    client_id      TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    team_id        BIGINT REFERENCES outreach_teams (id),
    -- Where it was held (a village, a community or a township).
    org_code       TEXT NOT NULL,
    place          TEXT NOT NULL,
    held_on        DATE NOT NULL,
    officers       BIGINT NOT NULL,
    people_reached BIGINT NOT NULL,
    materials      BIGINT NOT NULL,
    questions      BIGINT NOT NULL,
    summary        TEXT NOT NULL,
    recorded_by    BIGINT NOT NULL REFERENCES users (id),
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX outreach_activities_org ON outreach_activities (org_code, held_on);

CREATE TABLE outreach_photos (
    id           BIGSERIAL PRIMARY KEY,
    activity_id  BIGINT NOT NULL REFERENCES outreach_activities (id),
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    digest       TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX outreach_photos_activity ON outreach_photos (activity_id);
