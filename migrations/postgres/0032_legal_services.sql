-- 公共法律服务: "一村一法律顾问" — a lawyer of the directory (律师名录, migration 0019) as the legal
-- adviser of a village or community, from a day until a day, one at a time for each village — and
-- the consultations (法律咨询) the district centre, a township's 司法所 station or a village's room
-- takes, by visit, phone or online, with the asker's name sealed.

CREATE TABLE legal_adviser_posts (
    id          BIGSERIAL PRIMARY KEY,
    org_code    TEXT NOT NULL REFERENCES org_units (code),
    lawyer_id   BIGINT NOT NULL REFERENCES lawyers (id),
    since       DATE NOT NULL,
    until       DATE,
    assigned_by BIGINT NOT NULL REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX legal_adviser_posts_current ON legal_adviser_posts (org_code) WHERE until IS NULL;
CREATE INDEX legal_adviser_posts_lawyer ON legal_adviser_posts (lawyer_id);

CREATE TABLE legal_consultations (
    id           BIGSERIAL PRIMARY KEY,
    client_id    TEXT NOT NULL UNIQUE,
    -- Where it was taken: the district centre, a township station or a village room.
    org_code     TEXT NOT NULL,
    lawyer_id    BIGINT REFERENCES lawyers (id),
    channel      TEXT NOT NULL,
    topic        TEXT NOT NULL,
    asker_sealed BYTEA NOT NULL,
    question     TEXT NOT NULL,
    answer       TEXT NOT NULL,
    minutes      BIGINT NOT NULL,
    -- Referred on for 公证 (notarisation), counted.
    notary       BOOLEAN NOT NULL DEFAULT FALSE,
    consulted_at TIMESTAMPTZ NOT NULL,
    recorded_by  BIGINT NOT NULL REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX legal_consultations_org ON legal_consultations (org_code, consulted_at);
CREATE INDEX legal_consultations_at ON legal_consultations (consulted_at);

UPDATE roles SET permissions = permissions || ' view_legal_services manage_legal_services'
 WHERE builtin AND name IN ('operator', 'commander');
UPDATE roles SET permissions = permissions || ' view_legal_services' WHERE builtin AND name = 'leader';
