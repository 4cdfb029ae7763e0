//! 演示事件 — events for the demo district, reported by its grid workers and carried part of the
//! way through the lifecycle by its operators and departments, so that 事件中心 shows work in every
//! state. Deterministic like the rest of the demo; only at `district` scale (tests start empty).

use super::rng::SplitMix64;
use crate::{ActionRequest, Actor, App, CurrentUser, EventIntake, Result};
use pingan_domain::{OrgCode, OrgLevel, Role, Scope};
use std::collections::HashMap;

/// (category code, titles) of what grid workers report.
const REPORTS: [(&str, &[&str]); 8] = [
    (
        "ZZ0102",
        &[
            "邻里因漏水发生争执",
            "楼上噪音引发邻里矛盾",
            "相邻宅基地边界争议",
        ],
    ),
    (
        "ZZ02",
        &[
            "小区门口有可疑人员徘徊",
            "出租屋人员频繁进出",
            "夜间聚集饮酒喧哗",
        ],
    ),
    (
        "ZZ0301",
        &[
            "楼道电动车充电私拉电线",
            "消防通道被杂物堵塞",
            "灭火器过期未更换",
        ],
    ),
    ("ZZ0304", &["餐馆液化气罐摆放不规范", "燃气管道外露锈蚀"]),
    ("CG0101", &["路边垃圾堆放未清运", "河堤暴露垃圾"]),
    ("CG0501", &["菜市场门口占道经营", "流动摊贩占用人行道"]),
    ("CG0401", &["人行道地面塌陷", "雨后路面出现坑洞"]),
    ("ZZ08", &["独居老人反映取暖困难", "小区路灯损坏无人维修"]),
];

/// How many demo events, and the seed of their choices.
const COUNT: usize = 160;
const SEED: u64 = 20_261_128;

/// The demo's accounts as signed-in users (the demo acts for them; their own first login is
/// still ahead of them).
pub(super) fn as_user(app: &App, u: pingan_store::UserRecord) -> Result<Actor> {
    let mut user: CurrentUser = app.access().current_user(u)?;
    user.setup = None;
    Ok(Actor::user(user, Some("demo".into())))
}

/// Each grid's label point (lon, lat), where the demo places what happens in it.
pub(super) async fn grid_labels(app: &App) -> Result<HashMap<String, (f64, f64)>> {
    Ok(app
        .store
        .grids_under("")
        .await?
        .into_iter()
        .map(|g| (g.code, (g.label_lon, g.label_lat)))
        .collect())
}

pub(super) async fn seed(app: &App) -> Result<usize> {
    let district = OrgCode::parse(pingan_domain::division::DISTRICT.0)
        .map_err(|e| crate::AppError::Internal(e.to_string()))?;
    let users = app
        .store
        .users_in_scope(&Scope::org(district), 10_000)
        .await?;
    let mut workers = Vec::new();
    let mut operators = HashMap::new();
    let mut handlers = HashMap::new();
    for u in users {
        let role = Role::parse(&u.role);
        let (org, dept) = (u.org_code.clone(), u.department_id);
        match role {
            Some(Role::GridWorker) => workers.push(as_user(app, u)?),
            Some(Role::Operator) => {
                operators.insert(org, as_user(app, u)?);
            }
            Some(Role::Handler) => {
                if let Some(d) = dept {
                    handlers.insert(d, as_user(app, u)?);
                }
            }
            _ => {}
        }
    }
    let labels = grid_labels(app).await?;
    let mut rng = SplitMix64::new(SEED);
    let mut made = 0;
    for i in 0..COUNT {
        let Some(worker) = workers.get(rng.below(workers.len().max(1))) else {
            break;
        };
        let Some(me) = &worker.user else { continue };
        let Some(&(lon, lat)) = labels.get(me.org_code.as_str()) else {
            continue;
        };
        let Some((category, titles)) = REPORTS.get(rng.below(REPORTS.len())) else {
            continue;
        };
        let intake = EventIntake {
            client_id: format!("demo-{i:05}"),
            channel: "grid_worker".into(),
            category: (*category).into(),
            title: rng.pick(titles).into(),
            description: "网格员日常巡查发现（演示数据）".into(),
            // Within about 30 m of the grid's label point, so it stays in the grid.
            lat: Some(lat + (rng.vary(1.0) - 1.0) * 0.0003),
            lon: Some(lon + (rng.vary(1.0) - 1.0) * 0.0003),
            ..Default::default()
        };
        let Ok(outcome) = app.cases().report_event(worker, &intake).await else {
            continue;
        };
        made += 1;
        let e = outcome.event;
        let township = me.org_code.ancestor_at(OrgLevel::Township);
        let Some(operator) = township.and_then(|t| operators.get(t.as_str())) else {
            continue;
        };
        let act = |who: &Actor, action: &str, reason: Option<&str>, department_id: Option<i64>| {
            let req = ActionRequest {
                action: action.into(),
                reason: reason.map(Into::into),
                department_id,
                ..Default::default()
            };
            let (app, who, id) = (app.clone(), who.clone(), e.id);
            async move { app.cases().act_on_event(&who, id, &req).await.is_ok() }
        };
        // How far this one has come: 0 just reported … 7 evaluated.
        let stage = rng.below(8);
        if stage < 1 || !act(operator, "accept", None, None).await {
            continue;
        }
        if stage < 2 || !act(operator, "register", None, None).await {
            continue;
        }
        let suggested = app
            .cases()
            .event_detail(operator, e.id)
            .await?
            .suggested_department_id;
        let Some(dept) = suggested else { continue };
        if stage < 3 || !act(operator, "dispatch", None, Some(dept)).await {
            continue;
        }
        let Some(handler) = handlers.get(&dept) else {
            continue;
        };
        if stage < 4 || !act(handler, "sign", None, None).await {
            continue;
        }
        if stage < 5 || !act(handler, "feedback", Some("已到现场处置完毕"), None).await {
            continue;
        }
        if stage < 6 || !act(worker, "verify", None, None).await {
            continue;
        }
        if stage >= 7 {
            let req = ActionRequest {
                action: "evaluate".into(),
                rating: Some("satisfied".into()),
                ..Default::default()
            };
            app.cases().act_on_event(worker, e.id, &req).await?;
        }
    }
    Ok(made)
}
