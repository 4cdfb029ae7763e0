//! The Chinese pages: login, the front page, the org tree, the grid map, and the licences.

mod access;
mod alarms;
mod cases;
mod creation;
mod credit;
mod dashboard;
mod home;
mod legal;
mod org;
mod pairs;
mod patrols;
mod police;
mod registry;
mod video;

use crate::AppState;
use axum::Router;
use pingan_app::{App, AppError, CurrentUser};
use pingan_domain::Capability;

/// One entry of the navigation: shown only to users who hold its capability.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    /// One line on the front page saying what the page is for.
    pub hint: &'static str,
    pub active: bool,
}

/// The pages of the navigation, each with the capability it needs (none: everyone).
const NAV: [(&str, &str, &str, Option<Capability>); 34] = [
    ("/", "工作台", "", None),
    (
        "/events",
        "事件中心",
        "本辖区事件的受理、派遣、督办，黄牌红牌一目了然",
        Some(Capability::ViewCases),
    ),
    (
        "/report",
        "上报事件",
        "手机上报所见问题，可定位、可查看自己上报的事件",
        Some(Capability::ReportEvents),
    ),
    (
        "/services",
        "办事服务",
        "政务服务事项的办事指南：所需材料、办理单位、承诺时限，网上申请",
        Some(Capability::ApplyForServices),
    ),
    (
        "/applications",
        "政务服务办件",
        "网上和窗口申请的办件：受理、一次性告知、办结，群众查看本人办件",
        Some(Capability::ApplyForServices),
    ),
    (
        "/disputes",
        "矛盾纠纷",
        "纠纷登记、分流调解、调解协议与司法确认，调解成功率统计",
        Some(Capability::ViewCases),
    ),
    (
        "/petitions",
        "信访事项",
        "信访登记、分办、受理、答复与复查复核，领导包案与律师参与",
        Some(Capability::ViewCases),
    ),
    (
        "/risks",
        "稳评",
        "社会稳定风险评估：八个步骤、专家评审、风险等级、决策与跟踪",
        Some(Capability::ManageRiskAssessments),
    ),
    (
        "/clues",
        "涉黑涉恶线索",
        "线索受理、甄别分级、分流核查与反馈，举报人身份严格保密",
        Some(Capability::ManageClues),
    ),
    (
        "/clues",
        "线索核查",
        "交本单位核查的涉黑涉恶线索",
        Some(Capability::DepartmentWork),
    ),
    (
        "/patrols",
        "巡防",
        "巡防队伍、重点路段与部位、护学岗到岗和时段覆盖率",
        Some(Capability::ViewPatrols),
    ),
    (
        "/patrol",
        "我的巡逻",
        "手机巡逻：开始、上传轨迹、签到、随手上报",
        Some(Capability::Patrol),
    ),
    (
        "/creation",
        "平安创建",
        "平安村（社区）、平安校园等的申报、考核与命名，各村“六无”自动计算",
        Some(Capability::ViewCreation),
    ),
    (
        "/legal",
        "公共法律服务",
        "一村一法律顾问覆盖情况、法律咨询登记与统计",
        Some(Capability::ViewLegalServices),
    ),
    (
        "/credit/check",
        "信用核查",
        "招投标、政务服务、评优评先前核查是否为失信被执行人或拒执案件当事人，记录联合惩戒措施",
        Some(Capability::CheckCredit),
    ),
    (
        "/credit",
        "联合惩戒名单",
        "导入法院的失信被执行人、拒执案件名单，查看、撤销及各成员单位的惩戒措施",
        Some(Capability::ManageCreditList),
    ),
    (
        "/dashboard",
        "领导驾驶舱",
        "各级事件、矛盾纠纷、信访等指标及同比环比，趋势图、网格地图与实时动态，可投到指挥中心大屏",
        Some(Capability::SuperviseCases),
    ),
    (
        "/stats/police",
        "公安统计",
        "警情、治安案件、刑事立案的月度数据与同比",
        Some(Capability::SuperviseCases),
    ),
    (
        "/rules",
        "分拨规则",
        "事件分拨规则与各类事件的处置时限",
        Some(Capability::ViewCases),
    ),
    (
        "/org",
        "组织架构",
        "区、乡镇（街道）、村（社区）、网格逐级查看",
        Some(Capability::ViewOrg),
    ),
    (
        "/map",
        "网格地图",
        "网格边界一览，点击地图查询所属网格",
        Some(Capability::ViewOrg),
    ),
    (
        "/persons",
        "实有人口",
        "本辖区人员的查找、导入与信息核实",
        Some(Capability::ViewRegistry),
    ),
    (
        "/places",
        "场所组织",
        "学校、医院、市场、寄递物流、企业、社会组织和出租房屋",
        Some(Capability::ViewPlaces),
    ),
    (
        "/special-groups",
        "特殊人群",
        "特殊人群与重点青少年的列管、走访覆盖和走访频次",
        Some(Capability::ViewSpecialGroups),
    ),
    (
        "/visits/due",
        "走访任务",
        "手机查看逾期和即将到期的走访，现场登记",
        Some(Capability::ViewSpecialGroups),
    ),
    (
        "/alarms",
        "一键报警",
        "校园、社区一键报警与门禁：在线率，登记设备",
        Some(Capability::HubWork),
    ),
    (
        "/video",
        "视频资源",
        "摄像机点亮率、离线清单、设备与分布地图",
        Some(Capability::ViewVideo),
    ),
    (
        "/contacts",
        "通讯录",
        "本辖区账号的联系方式，查看完整号码须写明原因",
        Some(Capability::ViewOrg),
    ),
    (
        "/calendar",
        "工作日历",
        "放假调休安排与时限试算",
        Some(Capability::ViewOrg),
    ),
    (
        "/users",
        "账号管理",
        "新建、查找、停用账号",
        Some(Capability::ManageUsers),
    ),
    (
        "/open311-keys",
        "Open311 接入",
        "市民随手拍等第三方应用的接入密钥：签发与吊销",
        Some(Capability::ManageUsers),
    ),
    (
        "/security",
        "安全策略",
        "角色与权限、密码、锁定、会话和动态口令策略",
        Some(Capability::ManageSecurity),
    ),
    (
        "/audit",
        "审计日志",
        "查询、导出审计记录，校验日志完整性",
        Some(Capability::ReadAudit),
    ),
    ("/account", "我的账号", "修改登录密码", None),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(access::login::router())
        .merge(home::router())
        .merge(org::tree::router())
        .merge(access::users::router())
        .merge(access::audit::router())
        .merge(access::account::router())
        .merge(access::security::router())
        .merge(access::contacts::router())
        .merge(access::integrators::router())
        .merge(org::calendar::router())
        .merge(cases::events::router())
        .merge(cases::disputes::router())
        .merge(cases::petitions::router())
        .merge(cases::clues::router())
        .merge(cases::applications::router())
        .merge(cases::risks::router())
        .merge(police::router())
        .merge(credit::router())
        .merge(legal::router())
        .merge(dashboard::router())
        .merge(cases::rules::router())
        .merge(video::router())
        .merge(alarms::router())
        .merge(creation::router())
        .merge(patrols::router())
        .merge(registry::persons::router())
        .merge(registry::person_page::router())
        .merge(registry::households::router())
        .merge(registry::transfers::router())
        .merge(registry::places::router())
        .merge(registry::special_groups::router())
}

/// (code, label) of a closed list, for a form's options.
macro_rules! choices {
    ($t:ty) => {
        <$t>::ALL
            .iter()
            .map(|x| (x.code(), x.label()))
            .collect::<Vec<(&'static str, &'static str)>>()
    };
}
pub(crate) use choices;

/// What the navigation frame shows around every page.
pub struct Shell {
    pub display_name: String,
    pub role_label: String,
    pub org_code: String,
    /// The navigation entries this user may open.
    pub nav: Vec<NavItem>,
    /// Whether the database holds the synthetic demo district.
    pub demo: bool,
    /// The time the page was made, Beijing time.
    pub now: String,
    /// Whether the page listens for devices' alarms (hub workers: they see cases by area).
    pub alarms: bool,
}

impl Shell {
    /// The frame for `user` with the entry at `active` (a path of [`NAV`]) marked current.
    pub async fn new(
        app: &App,
        user: &CurrentUser,
        active: &'static str,
    ) -> Result<Self, AppError> {
        let nav = NAV
            .iter()
            // Until its setup is done, an account sees only its own page.
            .filter(|(href, _, _, _)| user.setup.is_none() || *href == "/account")
            .filter(|(_, _, _, cap)| cap.is_none_or(|c| user.can(c)))
            .map(|&(href, label, hint, _)| NavItem {
                href,
                label,
                hint,
                active: href == active,
            })
            .collect();
        Ok(Self {
            display_name: user.display_name.clone(),
            role_label: user.role_label.clone(),
            org_code: user.org_code.to_string(),
            nav,
            demo: app.is_demo().await?,
            now: pingan_domain::time::format_minute(chrono::Utc::now()),
            alarms: user.setup.is_none()
                && user.department_id.is_none()
                && user.can(pingan_domain::Capability::ViewCases),
        })
    }
}

/// A form that carries only a reason (查看明文, 解除列管, 注销 …).
#[derive(serde::Deserialize)]
pub(crate) struct ReasonForm {
    pub reason: String,
}

/// The grids of the user's scope as (code, name), for a form's grid list.
pub(crate) async fn grid_options(
    app: &App,
    user: &CurrentUser,
) -> Result<Vec<(String, String)>, AppError> {
    let grids = app.org().grid_features(user).await?;
    Ok(grids
        .get("features")
        .and_then(|f| f.as_array())
        .map(|fs| {
            fs.iter()
                .filter_map(|f| {
                    let p = f.get("properties")?;
                    let code = p.get("code")?.as_str()?;
                    let name = p.get("name")?.as_str()?;
                    Some((code.to_owned(), name.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default())
}

/// A list filter's options: (value, label).
pub(crate) fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|&v| (code(v), label(v))).collect()
}

/// The query string of another page of a filtered list.
pub(crate) fn page_href(base: &str, pairs: &[(&str, Option<&str>)], page: i64) -> String {
    let page = page.to_string();
    let mut all = vec![("page", Some(page.as_str()))];
    all.extend_from_slice(pairs);
    query_href(base, &all)
}

/// `base` with the pairs that have a value as its query string.
pub(crate) fn query_href(base: &str, pairs: &[(&str, Option<&str>)]) -> String {
    let enc = pingan_domain::text::percent_encode;
    let query: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            v.filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", enc(v)))
        })
        .collect();
    if query.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", query.join("&"))
    }
}

/// A count as the pages print it (`29,462`).
pub(crate) fn count(n: &i64) -> String {
    let grouped = pingan_domain::time::format_count(n.unsigned_abs());
    if *n < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// An amount in yuan as the pages print it (`52,179.00`); askama passes a template's values by
/// reference.
pub(crate) fn yuan(amount: &f64) -> String {
    pingan_domain::time::format_yuan(*amount)
}

/// 翻页 — what a list page shows around its rows: the total (`10,000+` when the count stopped
/// at its cap, with a link that counts exactly) and the links to the pages before and after.
pub(crate) struct ListNav {
    pub total: String,
    pub exact_href: Option<String>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl ListNav {
    /// The navigation of a page of the list at `base` filtered by `filters`.
    pub(crate) fn new<T>(
        base: &str,
        filters: &[(&str, Option<&str>)],
        list: &pingan_app::Listed<T>,
    ) -> Self {
        Self::of(
            base,
            filters,
            list.total,
            list.before.as_deref(),
            list.after.as_deref(),
        )
    }

    /// The navigation of a page given by its total and the cursors of its neighbours.
    pub(crate) fn of(
        base: &str,
        filters: &[(&str, Option<&str>)],
        total: pingan_app::Total,
        before: Option<&str>,
        after: Option<&str>,
    ) -> Self {
        let with = |key: &'static str, value: Option<&str>| {
            let mut pairs = filters.to_vec();
            pairs.push((key, value));
            query_href(base, &pairs)
        };
        Self {
            total: total.label(),
            exact_href: (!total.exact).then(|| with("exact_total", Some("true"))),
            prev: before.map(|c| with("before", Some(c))),
            next: after.map(|c| with("after", Some(c))),
        }
    }

    /// The navigation of a list that could not be read (its error is on the page).
    pub(crate) fn empty() -> Self {
        Self {
            total: "0".into(),
            exact_href: None,
            prev: None,
            next: None,
        }
    }
}

/// Links to the page before and after this one (of `rows` each), if there are such pages.
pub(crate) fn pager(
    total: i64,
    page: i64,
    rows: i64,
    href: impl Fn(i64) -> String,
) -> (Option<String>, Option<String>) {
    (
        (page > 1).then(|| href(page - 1)),
        (page * rows < total).then(|| href(page + 1)),
    )
}
