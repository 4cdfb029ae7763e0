-- 12345 热线工单: the orders the hotline hands over (each an event of the channel 12345 转办, found by
-- its 工单编号), and the reports back to the hotline (受理, 办结, 回访) waiting to be sent, sent, or
-- given up after their tries. Any instance sends them: a row is claimed by moving its next try.

CREATE TABLE hotline_orders (
    case_id        INTEGER PRIMARY KEY REFERENCES cases (id),
    order_no       TEXT NOT NULL UNIQUE,
    -- The caller's name and number as 12345 gave them, sealed.
    caller_sealed  BLOB,
    -- The hotline's own deadline for the order, if it gave one.
    due_at         TEXT,
    received_at    TEXT NOT NULL
);

CREATE TABLE hotline_reports (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES hotline_orders (case_id),
    kind        TEXT NOT NULL,
    -- The JSON sent.
    payload     TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TEXT NOT NULL,
    last_error  TEXT,
    sent_at     TEXT,
    failed_at   TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX hotline_reports_due ON hotline_reports (next_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX hotline_reports_case ON hotline_reports (case_id, id);
