-- 公安统计: the monthly figures each township's police reports (警情 by category, 治安案件, 刑事立案),
-- one row per township, month and figure; entered on a page or imported, a later entry replacing an
-- earlier one. And the permission of the default commander.

CREATE TABLE police_figures (
    township   TEXT NOT NULL REFERENCES org_units (code),
    -- YYYY-MM, Asia/Shanghai.
    month      TEXT NOT NULL,
    figure     TEXT NOT NULL,
    value      BIGINT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (township, month, figure)
);
CREATE INDEX police_figures_month ON police_figures (month, township);

UPDATE roles SET permissions = permissions || ' manage_police_statistics'
 WHERE builtin AND name = 'commander';
