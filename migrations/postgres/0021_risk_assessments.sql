-- 社会稳定风险评估: the risk-assessment kind of case, its materials and opinion records, the expert
-- pool and each expert's scores, the measures that follow a decision; and the permission of the
-- default roles.

CREATE TABLE risk_assessments (
    case_id         BIGINT PRIMARY KEY REFERENCES cases (id),
    client_id       TEXT NOT NULL UNIQUE,
    -- Copies of the case's place and day, for the register's index.
    org_code        TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    matter_type     TEXT NOT NULL,
    track           TEXT NOT NULL,
    description     TEXT NOT NULL,
    people_affected BIGINT NOT NULL,
    level           TEXT,
    decision        TEXT,
    decided_at      TIMESTAMPTZ,
    -- 政法委 初审备案.
    filed_at        TIMESTAMPTZ,
    reassessments   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX risk_assessments_register ON risk_assessments (org_code, level, decision);

-- Materials (方案, 分析论证, 报告, 会议纪要, 预案 …) and opinion records (公示, 问卷, 走访, 座谈, 听证).
CREATE TABLE risk_documents (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES risk_assessments (case_id),
    kind         TEXT NOT NULL,
    -- For an opinion record: how the opinions were gathered, and from how many people.
    method       TEXT,
    participants BIGINT,
    title        TEXT NOT NULL,
    content      TEXT NOT NULL,
    added_by     TEXT NOT NULL,
    added_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX risk_documents_case ON risk_documents (case_id, id);

CREATE TABLE risk_experts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL,
    field      TEXT NOT NULL,
    unit       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE risk_scores (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES risk_assessments (case_id),
    expert_id       BIGINT NOT NULL REFERENCES risk_experts (id),
    legality        BIGINT NOT NULL,
    rationality     BIGINT NOT NULL,
    feasibility     BIGINT NOT NULL,
    controllability BIGINT NOT NULL,
    safety          BIGINT,
    opinion         TEXT NOT NULL,
    scored_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (case_id, expert_id)
);

CREATE TABLE risk_measures (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES risk_assessments (case_id),
    content TEXT NOT NULL,
    owner   TEXT NOT NULL,
    due_on  DATE NOT NULL,
    done_at TIMESTAMPTZ
);
CREATE INDEX risk_measures_case ON risk_measures (case_id, id);

UPDATE roles SET permissions = permissions || ' manage_risk_assessments'
 WHERE builtin AND name IN ('commander', 'handler');
