//! Roles a user may hold. Permissions built on them arrive with the security issue; here a role is
//! the stable name used on the CLI and the API, and its Chinese label.

use serde::{Deserialize, Serialize};

/// 角色 — what a user does in the hub. The three administrators are separated (三权分立).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员 — users and settings.
    Sysadmin,
    /// 安全管理员 — roles, keys and policies.
    Secadmin,
    /// 审计管理员 — reads the audit trail and nothing else.
    Auditor,
    /// 指挥长/值班长 — hub operator at district level or any level below.
    Commander,
    /// 乡镇（街道）综治中心工作人员 — accepts, dispatches and supervises the township's cases.
    Operator,
    /// 网格员 — keeps one grid.
    GridWorker,
    /// 部门承办人 — handles cases dispatched to a department.
    Handler,
    /// 人民调解员 — mediates disputes.
    Mediator,
    /// 领导 — reads dashboards, supervises, takes hard cases.
    Leader,
    /// 群众 — reports problems and follows their requests.
    Citizen,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::Sysadmin,
        Role::Secadmin,
        Role::Auditor,
        Role::Commander,
        Role::Operator,
        Role::GridWorker,
        Role::Handler,
        Role::Mediator,
        Role::Leader,
        Role::Citizen,
    ];

    /// The stable name used on the CLI, in the API and in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Sysadmin => "sysadmin",
            Role::Secadmin => "secadmin",
            Role::Auditor => "auditor",
            Role::Commander => "commander",
            Role::Operator => "operator",
            Role::GridWorker => "grid_worker",
            Role::Handler => "handler",
            Role::Mediator => "mediator",
            Role::Leader => "leader",
            Role::Citizen => "citizen",
        }
    }

    /// The Chinese name shown on screen.
    pub const fn label(self) -> &'static str {
        match self {
            Role::Sysadmin => "系统管理员",
            Role::Secadmin => "安全管理员",
            Role::Auditor => "审计管理员",
            Role::Commander => "指挥长",
            Role::Operator => "综治中心工作人员",
            Role::GridWorker => "网格员",
            Role::Handler => "部门承办人",
            Role::Mediator => "人民调解员",
            Role::Leader => "领导",
            Role::Citizen => "群众",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The names accepted by [`Role::parse`], for error messages and `--help`.
    pub fn names() -> String {
        Role::ALL.map(Role::as_str).join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        let mut names: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), 10);
        assert_eq!(Role::parse("root"), None);
        assert!(Role::names().contains("grid_worker"));
    }
}

/// 权限 — what a role may do, checked in the app layer (never by role names in handlers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// See the org tree, the grids and the map of one's scope.
    ViewOrg,
    /// Create, change and disable accounts (系统管理员).
    ManageUsers,
    /// Load and change the org tree and grid boundaries (系统管理员).
    ManageOrg,
    /// Roles, keys and security policies (安全管理员).
    ManageSecurity,
    /// Read and export the audit trail (审计管理员).
    ReadAudit,
    /// See protected personal data in plain text, with a stated reason.
    RevealPersonalData,
    /// See the cases (事件 …) of one's scope or department.
    ViewCases,
    /// Report an event (上报).
    ReportEvents,
    /// Edit routing rules and category limits of one's scope.
    ManageCaseRules,
    /// Follow (see and rate) the events one reported oneself, and no others.
    FollowOwnReports,
    /// See the cameras of one's scope, their state and the 点亮率.
    ViewVideo,
    /// Keep the video-resource registry: import cameras, set device passwords, query devices.
    ManageVideo,
    /// See the grid registry (实有人口 …) of one's scope, masked.
    ViewRegistry,
    /// Enter and import persons and places into the grid registry of one's scope.
    ManageRegistry,
    /// See, enrol and visit the 特殊人群 (刑满释放, 社区矫正, 严重精神障碍, 吸毒, 艾滋病危险) of one's scope.
    ViewSpecialGroups,
    /// See, enrol and visit the 重点青少年 of one's scope (minors: a permission of its own).
    ViewKeyYouth,
}

impl Role {
    /// The capabilities of this role. The three administrators are kept apart: none holds
    /// another's capability, and the auditor holds nothing else.
    pub const fn capabilities(self) -> &'static [Capability] {
        use Capability::*;
        match self {
            Role::Sysadmin => &[ViewOrg, ManageUsers, ManageOrg, ViewVideo, ManageVideo],
            Role::Secadmin => &[ViewOrg, ManageSecurity],
            Role::Auditor => &[ReadAudit],
            Role::Commander => &[
                ViewOrg,
                RevealPersonalData,
                ViewCases,
                ReportEvents,
                ManageCaseRules,
                ViewVideo,
                ManageVideo,
                ViewRegistry,
                ManageRegistry,
                ViewSpecialGroups,
                ViewKeyYouth,
            ],
            Role::Operator => &[
                ViewOrg,
                RevealPersonalData,
                ViewCases,
                ReportEvents,
                ViewVideo,
                ViewRegistry,
                ManageRegistry,
                ViewSpecialGroups,
            ],
            Role::GridWorker => &[
                ViewOrg,
                RevealPersonalData,
                ViewCases,
                ReportEvents,
                ViewVideo,
                ViewRegistry,
                ManageRegistry,
                ViewSpecialGroups,
                ViewKeyYouth,
            ],
            Role::Handler => &[ViewOrg, ViewCases, ReportEvents],
            Role::Mediator => &[ViewOrg, ViewCases],
            Role::Leader => &[ViewOrg, ViewCases, ViewVideo, ViewRegistry],
            Role::Citizen => &[ReportEvents, FollowOwnReports],
        }
    }

    pub fn can(self, capability: Capability) -> bool {
        self.capabilities().contains(&capability)
    }

    /// Whether accounts of this role must sign in with a second factor (TOTP): the three
    /// administrators, always (等保 level 3).
    pub const fn requires_second_factor(self) -> bool {
        matches!(self, Role::Sysadmin | Role::Secadmin | Role::Auditor)
    }
}

#[cfg(test)]
mod capability_tests {
    use super::*;

    #[test]
    fn the_three_administrators_are_separated() {
        let admin_caps = [
            Capability::ManageUsers,
            Capability::ManageSecurity,
            Capability::ReadAudit,
        ];
        for (role, own) in [
            (Role::Sysadmin, Capability::ManageUsers),
            (Role::Secadmin, Capability::ManageSecurity),
            (Role::Auditor, Capability::ReadAudit),
        ] {
            for c in admin_caps {
                assert_eq!(role.can(c), c == own, "{role:?} {c:?}");
            }
        }
        assert_eq!(Role::Auditor.capabilities(), &[Capability::ReadAudit]);
        assert_eq!(
            Role::Citizen.capabilities(),
            &[Capability::ReportEvents, Capability::FollowOwnReports]
        );
        assert!(!Role::Sysadmin.can(Capability::RevealPersonalData));
    }
}
