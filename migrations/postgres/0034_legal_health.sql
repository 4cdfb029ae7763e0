-- 法律健康档案: an enterprise's legal check-ups (法律体检) — when, by which lawyer, the advice given,
-- its pending lawsuits and enforcement status, when to look again — and the risks each found
-- (合同, 劳动, 知识产权, 税务 …, with a level), each open until a follow-up records how it was put
-- right. The district's risk list reads the open ones.

CREATE TABLE legal_checkups (
    id               BIGSERIAL PRIMARY KEY,
    client_id        TEXT NOT NULL UNIQUE,
    place_id         BIGINT NOT NULL REFERENCES places (id),
    -- The place's grid when it was checked, for the scope of the risk list.
    org_code         TEXT NOT NULL,
    checked_on       DATE NOT NULL,
    lawyer_id        BIGINT REFERENCES lawyers (id),
    advice           TEXT NOT NULL,
    lawsuits_pending BIGINT NOT NULL,
    enforcement      TEXT NOT NULL,
    follow_up_on     DATE,
    recorded_by      BIGINT NOT NULL REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX legal_checkups_place ON legal_checkups (place_id, checked_on);

CREATE TABLE legal_risks (
    id          BIGSERIAL PRIMARY KEY,
    checkup_id  BIGINT NOT NULL REFERENCES legal_checkups (id),
    place_id    BIGINT NOT NULL REFERENCES places (id),
    org_code    TEXT NOT NULL,
    area        TEXT NOT NULL,
    level       TEXT NOT NULL,
    finding     TEXT NOT NULL,
    resolved_on DATE,
    resolution  TEXT
);
CREATE INDEX legal_risks_open ON legal_risks (org_code, resolved_on);
CREATE INDEX legal_risks_place ON legal_risks (place_id);
