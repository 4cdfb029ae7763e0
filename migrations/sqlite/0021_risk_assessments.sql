-- 社会稳定风险评估: the risk-assessment kind of case, its materials and opinion records, the expert
-- pool and each expert's scores, the measures that follow a decision; and the permission of the
-- default roles.

CREATE TABLE risk_assessments (
    case_id         INTEGER PRIMARY KEY REFERENCES cases (id),
    client_id       TEXT NOT NULL UNIQUE,
    -- Copies of the case's place and day, for the register's index.
    org_code        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    matter_type     TEXT NOT NULL,
    track           TEXT NOT NULL,
    description     TEXT NOT NULL,
    people_affected INTEGER NOT NULL,
    level           TEXT,
    decision        TEXT,
    decided_at      TEXT,
    -- 政法委 初审备案.
    filed_at        TEXT,
    reassessments   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX risk_assessments_register ON risk_assessments (org_code, level, decision);

-- Materials (方案, 分析论证, 报告, 会议纪要, 预案 …) and opinion records (公示, 问卷, 走访, 座谈, 听证).
CREATE TABLE risk_documents (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES risk_assessments (case_id),
    kind         TEXT NOT NULL,
    -- For an opinion record: how the opinions were gathered, and from how many people.
    method       TEXT,
    participants INTEGER,
    title        TEXT NOT NULL,
    content      TEXT NOT NULL,
    added_by     TEXT NOT NULL,
    added_at     TEXT NOT NULL
);
CREATE INDEX risk_documents_case ON risk_documents (case_id, id);

CREATE TABLE risk_experts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    field      TEXT NOT NULL,
    unit       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE risk_scores (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES risk_assessments (case_id),
    expert_id       INTEGER NOT NULL REFERENCES risk_experts (id),
    legality        INTEGER NOT NULL,
    rationality     INTEGER NOT NULL,
    feasibility     INTEGER NOT NULL,
    controllability INTEGER NOT NULL,
    safety          INTEGER,
    opinion         TEXT NOT NULL,
    scored_at       TEXT NOT NULL,
    UNIQUE (case_id, expert_id)
);

CREATE TABLE risk_measures (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES risk_assessments (case_id),
    content TEXT NOT NULL,
    owner   TEXT NOT NULL,
    due_on  TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX risk_measures_case ON risk_measures (case_id, id);

UPDATE roles SET permissions = permissions || ' manage_risk_assessments'
 WHERE builtin = 1 AND name IN ('commander', 'handler');
