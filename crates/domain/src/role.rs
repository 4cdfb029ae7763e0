//! 权限与角色 — what an account may do.
//!
//! Permissions ([`Capability`]) are fixed in code: each is checked somewhere in the app layer and has
//! a stable key and a Chinese label. Roles are data: the 安全管理员 composes them from permissions
//! (`roles` table); an account holds one role by its key. The ten [`Role`]s here are the defaults
//! every database starts with. A new module adds permissions (and grants them to default roles in
//! its migration), never roles in code.

use serde::{Deserialize, Serialize};

/// 内置角色 — the roles every database starts with; the 安全管理员 may change their permissions and
/// add roles of their own. The three administrators are separated (三权分立).
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
    /// 综治中心工作人员 — accepts, dispatches and supervises the cases of its hub (township or village).
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

    /// The role's key: used on the CLI, in the API and in the database.
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

    /// Parses the key of a default role.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The permissions this role starts with.
    pub const fn default_capabilities(self) -> &'static [Capability] {
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
                HubWork,
                SuperviseCases,
                CommandCases,
                ViewVideo,
                ManageVideo,
                ViewRegistry,
                ViewPlaces,
                ManageRegistry,
                ViewSpecialGroups,
                ViewKeyYouth,
                RegisterDisputes,
                ManageMediation,
                RegisterPetitions,
                ManageLawyers,
                ManageRiskAssessments,
                ManagePoliceStatistics,
                ApplyForServices,
                ManageServices,
                ViewCreation,
                ManageCreation,
                ViewPatrols,
                ManagePatrols,
                CheckCredit,
                ViewLegalServices,
                ManageLegalServices,
            ],
            Role::Operator => &[
                ViewOrg,
                RevealPersonalData,
                ViewCases,
                ReportEvents,
                HubWork,
                ViewVideo,
                ViewRegistry,
                ViewPlaces,
                ManageRegistry,
                ViewSpecialGroups,
                RegisterDisputes,
                RegisterPetitions,
                ApplyForServices,
                ViewCreation,
                ManageCreation,
                ViewPatrols,
                ManagePatrols,
                CheckCredit,
                ViewLegalServices,
                ManageLegalServices,
            ],
            Role::GridWorker => &[
                ViewOrg,
                RevealPersonalData,
                ViewCases,
                ReportEvents,
                GridWork,
                ViewVideo,
                ViewRegistry,
                ViewPlaces,
                ManageRegistry,
                ViewSpecialGroups,
                ViewKeyYouth,
                RegisterDisputes,
                Patrol,
            ],
            Role::Handler => &[
                ViewOrg,
                ViewCases,
                ReportEvents,
                DepartmentWork,
                RegisterDisputes,
                ManageRiskAssessments,
                CheckCredit,
            ],
            Role::Mediator => &[ViewOrg, ViewCases, DepartmentWork, RegisterDisputes],
            Role::Leader => &[
                ViewOrg,
                ViewCases,
                SuperviseCases,
                ViewVideo,
                ViewRegistry,
                ViewPlaces,
                ViewCreation,
                ViewPatrols,
                ViewLegalServices,
            ],
            Role::Citizen => &[ReportEvents, FollowOwnReports, ApplyForServices],
        }
    }

    /// The default permissions as a set.
    pub fn default_permissions(self) -> Permissions {
        self.default_capabilities().iter().copied().collect()
    }
}

macro_rules! capabilities {
    ($( $(#[$doc:meta])* $name:ident = $key:literal, $label:literal; )*) => {
        /// 权限 — one thing an account may do, checked in the app layer (never by role names in
        /// handlers). The key is stored in the `roles` table: never rename one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Capability {
            $( $(#[$doc])* $name, )*
        }

        impl Capability {
            /// Every permission, in the order shown on the roles page.
            pub const ALL: &'static [Capability] = &[$(Capability::$name),*];

            /// The stable key, e.g. `view_registry`.
            pub const fn key(self) -> &'static str {
                match self { $(Capability::$name => $key,)* }
            }

            /// The Chinese label, e.g. 查看实有人口.
            pub const fn label(self) -> &'static str {
                match self { $(Capability::$name => $label,)* }
            }
        }
    };
}

capabilities! {
    /// See the org tree, the grids and the map of one's scope.
    ViewOrg = "view_org", "查看组织与网格";
    /// Create, change and disable accounts (系统管理员).
    ManageUsers = "manage_users", "管理账号";
    /// Load and change the org tree, grid boundaries and the working calendar (系统管理员).
    ManageOrg = "manage_org", "维护组织、网格与工作日历";
    /// Roles, keys and security policies (安全管理员).
    ManageSecurity = "manage_security", "角色与安全策略";
    /// Read and export the audit trail (审计管理员).
    ReadAudit = "read_audit", "审计日志";
    /// See protected personal data in plain text, with a stated reason.
    RevealPersonalData = "reveal_personal_data", "查看个人信息明文";
    /// See the cases (事件 …) of one's scope or department.
    ViewCases = "view_cases", "查看案件";
    /// Report an event (上报).
    ReportEvents = "report_events", "上报事件";
    /// Edit routing rules and category limits of one's scope.
    ManageCaseRules = "manage_case_rules", "分拨规则与时限";
    /// Follow (see and rate) the events one reported oneself, and no others.
    FollowOwnReports = "follow_own_reports", "跟踪本人上报";
    /// Work cases as the hub that owns them (受理、分拨、结案) — at one's own level and below.
    HubWork = "hub_work", "综治中心受理分拨";
    /// Handle cases dispatched to one's department (部门承办).
    DepartmentWork = "department_work", "部门承办";
    /// Handle, on the spot, cases in one's own grid (网格员处置).
    GridWork = "grid_work", "网格处置";
    /// Urge and take over cases below (督办).
    SuperviseCases = "supervise_cases", "督办";
    /// Decide extensions and escalations as the commander on duty (指挥调度).
    CommandCases = "command_cases", "指挥调度";
    /// See the cameras of one's scope, their state and the 点亮率.
    ViewVideo = "view_video", "查看视频资源";
    /// Keep the video-resource registry: import cameras, set device passwords, query devices.
    ManageVideo = "manage_video", "管理视频资源";
    /// See the residents (实有人口, households) of one's scope, masked.
    ViewRegistry = "view_registry", "查看实有人口";
    /// See the places (实有单位、场所) of one's scope.
    ViewPlaces = "view_places", "查看实有单位与场所";
    /// Enter and import persons and places into the grid registry of one's scope.
    ManageRegistry = "manage_registry", "采集实有人口与场所";
    /// See, enrol and visit the 特殊人群 (刑满释放, 社区矫正, 严重精神障碍, 吸毒, 艾滋病危险) of one's scope.
    ViewSpecialGroups = "view_special_groups", "特殊人群与走访";
    /// See, enrol and visit the 重点青少年 of one's scope (minors: a permission of its own).
    ViewKeyYouth = "view_key_youth", "重点青少年";
    /// Register a dispute (矛盾纠纷登记): from 排查, a party's application, or a referral by a
    /// court, procuratorate, police station or petition office, which then follows what it referred.
    RegisterDisputes = "register_disputes", "登记矛盾纠纷";
    /// Keep the mediation organisations and their mediators (人民调解组织与调解员).
    ManageMediation = "manage_mediation", "维护调解组织与调解员";
    /// Register petitions (信访登记) and work them as the petition office of one's hub: 分办,
    /// 受理, 答复, 复查/复核 records, 领导包案 and 律师 assignment.
    RegisterPetitions = "register_petitions", "登记办理信访事项";
    /// Keep the lawyers' directory (律师名录) that petitions draw on.
    ManageLawyers = "manage_lawyers", "维护律师名录";
    /// Take part in petitions as an assigned lawyer: see those assigned, record an opinion.
    AdvisePetitions = "advise_petitions", "以律师身份参与信访化解";
    /// Take in and work 涉黑涉恶线索 as the clue office (扫黑办), and see an informant's identity for a
    /// stated reason. No default role but the 扫黑办线索管理员 holds it: not commanders, not the
    /// administrators (反有组织犯罪法: the informant's identity is confidential).
    ManageClues = "manage_clues", "涉黑涉恶线索管理";
    /// Register matters for 社会稳定风险评估 and carry them through the eight steps as their 评估主体
    /// or the hub that oversees them; keep the expert pool.
    ManageRiskAssessments = "manage_risk_assessments", "社会稳定风险评估";
    /// Enter and import the monthly public-security figures (警情, 治安案件, 刑事立案) of the
    /// townships of one's scope.
    ManagePoliceStatistics = "manage_police_statistics", "录入公安统计数据";
    /// Apply for a service of the catalogue (政务服务): a resident for themself and follow their
    /// own applications, or the counter entering one for a resident who came in.
    ApplyForServices = "apply_services", "申请政务服务";
    /// Keep the district's service catalogue: materials, unit, promised limit, online flag.
    ManageServices = "manage_services", "维护政务服务事项";
    /// See the 平安创建 units of one's scope, their assessments and the "六无" of its villages.
    ViewCreation = "view_creation", "查看平安创建";
    /// Declare units for 平安创建 and assess them at one's own level: a station its own, a township
    /// its villages, the district reviews, names and revokes, and keeps the checklists.
    ManageCreation = "manage_creation", "组织平安创建";
    /// See the patrol forces, key segments, patrols and their coverage, and the 护学岗 of one's scope.
    ViewPatrols = "view_patrols", "查看巡防";
    /// Keep the patrol teams and key segments of one's scope and send a patrol to an event.
    ManagePatrols = "manage_patrols", "组织巡防";
    /// Go on patrol with one's team: start and end it on the phone, send positions, check in.
    Patrol = "patrol", "参加巡防";
    /// Keep the 失信被执行人 and 拒执 list of one's scope (联合信用惩戒): import the court's sheet,
    /// see every entry with its 案号 and amount, lift entries. Held by the built-in role
    /// 联合惩戒名单管理员 alone.
    ManageCreditList = "manage_credit_list", "维护联合惩戒名单";
    /// Check one person or organisation against the list before a 招投标, a service or an
    /// appointment, see its restrictions (never the list) and record the measures taken (信用核查).
    CheckCredit = "check_credit", "信用核查";
    /// See the public legal services of one's area: the "一村一法律顾问" coverage and its gaps,
    /// the consultations and their counts.
    ViewLegalServices = "view_legal_services", "查看公共法律服务";
    /// Assign a village its legal adviser (法律顾问) from the lawyers' directory and record the
    /// consultations (法律咨询) the centre, a 司法所 station or a village room takes.
    ManageLegalServices = "manage_legal_services", "公共法律服务";
}

impl Capability {
    /// Parses a key.
    pub fn parse(key: &str) -> Option<Capability> {
        Capability::ALL.iter().copied().find(|c| c.key() == key)
    }

    const fn bit(self) -> u64 {
        1 << (self as u32)
    }

    /// The permission that makes its holder one of the three administrators (三员), if it is one.
    pub const fn administrator(self) -> Option<&'static str> {
        match self {
            Capability::ManageUsers => Some("系统管理员"),
            Capability::ManageSecurity => Some("安全管理员"),
            Capability::ReadAudit => Some("审计管理员"),
            _ => None,
        }
    }
}

/// 权限集合 — the permissions of one role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Permissions(u64);

/// In JSON: the list of keys.
impl Serialize for Permissions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(Capability::key))
    }
}

impl FromIterator<Capability> for Permissions {
    fn from_iter<I: IntoIterator<Item = Capability>>(iter: I) -> Self {
        Self(iter.into_iter().fold(0, |bits, c| bits | c.bit()))
    }
}

impl Permissions {
    pub fn contains(self, c: Capability) -> bool {
        self.0 & c.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The permissions held, in [`Capability::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Capability> {
        Capability::ALL
            .iter()
            .copied()
            .filter(move |c| self.contains(*c))
    }

    /// The keys held, as stored: separated by spaces.
    pub fn to_stored(self) -> String {
        self.iter()
            .map(Capability::key)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Reads the stored form. A key this build does not know (written by a newer version) is
    /// skipped rather than granted.
    pub fn from_stored(s: &str) -> Self {
        s.split_whitespace().filter_map(Capability::parse).collect()
    }

    /// Parses keys as typed by an administrator: every one must be known.
    pub fn parse_keys<S: AsRef<str>>(keys: &[S]) -> Result<Self, RoleRuleError> {
        keys.iter()
            .map(|k| {
                let k = k.as_ref().trim();
                Capability::parse(k).ok_or_else(|| RoleRuleError::UnknownPermission(cap(k, 40)))
            })
            .collect()
    }

    /// Whether holders must sign in with a second factor (TOTP): holders of any administrator's
    /// permission, always (等保 level 3).
    pub fn require_second_factor(self) -> bool {
        self.iter().any(|c| c.administrator().is_some())
    }

    /// 三员分立: one role never carries the permissions of two of the three administrators.
    pub fn check_separation(self) -> Result<(), RoleRuleError> {
        let admins: Vec<&str> = self.iter().filter_map(Capability::administrator).collect();
        match admins.as_slice() {
            [first, second, ..] => Err(RoleRuleError::TwoAdministrators(first, second)),
            _ => Ok(()),
        }
    }
}

/// 角色定义 — a role as the 安全管理员 composed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDef {
    /// The key accounts name, e.g. `operator` or `village_clerk`.
    pub key: String,
    /// 名称, shown on screen.
    pub label: String,
    pub permissions: Permissions,
}

impl RoleDef {
    /// Checks a role as entered: a key of 2–32 characters of `a-z 0-9 _` starting with a letter,
    /// a label of 1–20 characters, at least one permission, and the three administrators apart.
    pub fn check(key: &str, label: &str, permissions: Permissions) -> Result<Self, RoleRuleError> {
        let key_ok = (2..=32).contains(&key.len())
            && key.starts_with(|c: char| c.is_ascii_lowercase())
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            return Err(RoleRuleError::Key(cap(key, 40)));
        }
        let label = label.trim();
        if !(1..=20).contains(&label.chars().count()) {
            return Err(RoleRuleError::Label);
        }
        if permissions.is_empty() {
            return Err(RoleRuleError::NoPermission);
        }
        permissions.check_separation()?;
        Ok(Self {
            key: key.to_owned(),
            label: label.to_owned(),
            permissions,
        })
    }
}

/// What is wrong with a role as entered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleRuleError {
    #[error(
        "角色代码 \"{0}\" 不合规：应为 2 到 32 个小写字母、数字或下划线，以字母开头，如 village_clerk"
    )]
    Key(String),
    #[error("角色名称应为 1 到 20 个字")]
    Label,
    #[error("请至少勾选一项权限")]
    NoPermission,
    #[error("未知权限 \"{0}\"，可在 /api/v1/permissions 查到全部权限")]
    UnknownPermission(String),
    #[error("三员分立：同一角色不能同时拥有{0}和{1}的权限")]
    TwoAdministrators(&'static str, &'static str),
}

/// At most `n` characters of `s`, for echoing a bad value in a message.
fn cap(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys_round_trip_and_are_unique() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        let mut names: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 10);
        assert_eq!(Role::parse("root"), None);
        let mut keys: Vec<_> = Capability::ALL.iter().map(|c| c.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), Capability::ALL.len());
        assert!(Capability::ALL.len() < 64, "a permission set is one u64");
        for c in Capability::ALL {
            assert_eq!(Capability::parse(c.key()), Some(*c));
        }
    }

    #[test]
    fn the_default_roles_keep_the_three_administrators_apart() {
        for r in Role::ALL {
            let p = r.default_permissions();
            RoleDef::check(r.as_str(), r.label(), p).unwrap();
        }
        let admin = [
            (Role::Sysadmin, Capability::ManageUsers),
            (Role::Secadmin, Capability::ManageSecurity),
            (Role::Auditor, Capability::ReadAudit),
        ];
        for (role, own) in admin {
            assert!(role.default_permissions().require_second_factor());
            for (_, c) in admin {
                assert_eq!(role.default_permissions().contains(c), c == own);
            }
        }
        assert_eq!(
            Role::Auditor.default_capabilities(),
            &[Capability::ReadAudit]
        );
        assert!(!Role::Operator.default_permissions().require_second_factor());
        assert!(
            !Role::Sysadmin
                .default_permissions()
                .contains(Capability::RevealPersonalData)
        );
    }

    #[test]
    fn a_role_is_refused_with_a_reason() {
        let p = |c: &[Capability]| c.iter().copied().collect::<Permissions>();
        let one = p(&[Capability::ViewRegistry]);
        assert!(RoleDef::check("village_clerk", "村综治专干", one).is_ok());
        assert_eq!(
            RoleDef::check("Clerk", "x", one),
            Err(RoleRuleError::Key("Clerk".into()))
        );
        assert_eq!(
            RoleDef::check("1a", "x", one),
            Err(RoleRuleError::Key("1a".into()))
        );
        assert_eq!(RoleDef::check("ab", " ", one), Err(RoleRuleError::Label));
        assert_eq!(
            RoleDef::check("ab", "x", Permissions::default()),
            Err(RoleRuleError::NoPermission)
        );
        let two = p(&[Capability::ManageSecurity, Capability::ReadAudit]);
        assert_eq!(
            RoleDef::check("ab", "x", two).unwrap_err().to_string(),
            "三员分立：同一角色不能同时拥有安全管理员和审计管理员的权限"
        );
        assert_eq!(
            Permissions::parse_keys(&["view_registry", "fly"]),
            Err(RoleRuleError::UnknownPermission("fly".into()))
        );
    }

    proptest! {
        #[test]
        fn stored_form_round_trips(bits in any::<u64>()) {
            let set: Permissions = Capability::ALL
                .iter()
                .copied()
                .filter(|c| bits & c.bit() != 0)
                .collect();
            prop_assert_eq!(Permissions::from_stored(&set.to_stored()), set);
            let separated = set.check_separation().is_ok();
            let admins = set.iter().filter(|c| c.administrator().is_some()).count();
            prop_assert_eq!(separated, admins <= 1);
        }
    }
}
