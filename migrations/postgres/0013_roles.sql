-- 角色 as data: the 安全管理员 composes roles from the permissions fixed in code (等保 三员 and
-- 最小权限). An account names its role by key (users.role). The ten default roles are inserted at
-- start from the code's defaults when missing; a later migration that adds a permission grants it
-- to the default roles that should have it, e.g.
--   UPDATE roles SET permissions = permissions || ' view_disputes' WHERE name = 'operator';

CREATE TABLE roles (
    name        TEXT PRIMARY KEY,
    label       TEXT NOT NULL UNIQUE,
    -- Permission keys separated by spaces.
    permissions TEXT NOT NULL,
    -- Shipped with Pingan: its permissions may change, it may not be deleted.
    builtin     BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at  TIMESTAMPTZ NOT NULL
);
