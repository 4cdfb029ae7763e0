//! 演示平安创建 — the communities the province named in 2019 (朝阳街道马房坝社区, 西外镇新锦社区,
//! 复兴镇凤舞社区), sixteen 平安示范点 (one in each of sixteen townships, 2020), and this year's
//! 平安村(社区) declarations in every state; plus three events of this year (a 命案, a 群体性事件
//! and a 重大安全事故) so that the computed "六无" shows villages that fail and names why. Through
//! the real use cases — each step is scored on the checklist and checked against the "六无" of the
//! records — deterministic; only at `district` scale.

use super::events::as_user;
use super::rng::SplitMix64;
use crate::{
    ActionRequest, Actor, App, CreationStepRequest, CreationUnitRequest, EventIntake, Result,
};
use chrono::{Datelike, NaiveDate, Utc};
use pingan_domain::creation::{
    Checklist, CreationKind, HOMICIDE_CATEGORY, MAJOR_ACCIDENT_CATEGORY, MASS_INCIDENT_CATEGORY,
};
use pingan_domain::time::beijing_date;
use pingan_domain::{OrgCode, OrgLevel, Role, Scope};
use std::collections::HashMap;

/// The communities named 省级平安村(社区) in 2019.
const NAMED_2019: [&str; 3] = ["511702003002", "511702004002", "511702104002"];
/// How many 平安示范点 the district has cultivated (培育创建16个平安示范点).
const DEMONSTRATIONS: usize = 16;
/// This year's declarations per township.
const PER_TOWNSHIP: usize = 2;
const SEED: u64 = 20_261_208;

/// What breaks some villages' "六无" this year: (category, title).
const INCIDENTS: [(&str, &str); 3] = [
    (
        HOMICIDE_CATEGORY,
        "出租屋内发现一名男子死亡，公安已立案侦查",
    ),
    (
        MASS_INCIDENT_CATEGORY,
        "三十余名务工人员聚集讨要工资，堵塞工地大门",
    ),
    (
        MAJOR_ACCIDENT_CATEGORY,
        "自建房坍塌致三人受伤，应急部门已到场处置",
    ),
];

pub(super) async fn seed(app: &App) -> Result<usize> {
    let district = OrgCode::parse(pingan_domain::division::DISTRICT.0)
        .map_err(|e| crate::AppError::Internal(e.to_string()))?;
    let mut commander = None;
    let mut operators: HashMap<String, Actor> = HashMap::new();
    let mut workers: HashMap<String, Actor> = HashMap::new();
    for u in app
        .store
        .users_in_scope(&Scope::org(district.clone()), 10_000)
        .await?
    {
        match Role::parse(&u.role) {
            Some(Role::Commander) if u.org_code.len() == 6 && commander.is_none() => {
                commander = Some(as_user(app, u)?);
            }
            Some(Role::Operator) if u.org_code.len() == 9 => {
                operators.insert(u.org_code.clone(), as_user(app, u)?);
            }
            Some(Role::GridWorker) => {
                workers.insert(u.org_code.clone(), as_user(app, u)?);
            }
            _ => {}
        }
    }
    let Some(commander) = commander else {
        return Ok(0);
    };
    let mut rng = SplitMix64::new(SEED);
    incidents(app, &workers, &operators, &mut rng).await?;

    let townships = app.org().units_at(&district, OrgLevel::Township).await?;
    let villages = app.org().units_at(&district, OrgLevel::Village).await?;
    let mut made = 0;
    for code in NAMED_2019 {
        let township = &code[..9];
        let Some(operator) = operators.get(township) else {
            continue;
        };
        let unit = Unit {
            kind: CreationKind::Village,
            year: 2019,
            org: code,
            name: None,
            stage: 3,
            named_on: NaiveDate::from_ymd_opt(2019, 12, 20),
        };
        made += carry(app, operator, &commander, unit).await;
    }
    for (township, _) in townships.iter().take(DEMONSTRATIONS) {
        let Some(operator) = operators.get(township) else {
            continue;
        };
        let in_township: Vec<&String> = villages
            .iter()
            .map(|(c, _)| c)
            .filter(|c| c.starts_with(township.as_str()))
            .collect();
        let Some(village) = in_township.get(rng.below(in_township.len().max(1))) else {
            continue;
        };
        let name = app.store.org_unit(village).await?.map(|u| {
            format!(
                "{}平安示范点",
                u.name
                    .trim_end_matches("居民委员会")
                    .trim_end_matches("村民委员会")
            )
        });
        let unit = Unit {
            kind: CreationKind::Demonstration,
            year: 2020,
            org: village,
            name,
            stage: 3,
            named_on: NaiveDate::from_ymd_opt(2020, 11, 30),
        };
        made += carry(app, operator, &commander, unit).await;
    }
    let year = beijing_date(Utc::now()).year();
    for (township, _) in &townships {
        let Some(operator) = operators.get(township) else {
            continue;
        };
        let in_township: Vec<&String> = villages
            .iter()
            .map(|(c, _)| c)
            .filter(|c| c.starts_with(township.as_str()))
            .collect();
        for i in 0..PER_TOWNSHIP.min(in_township.len()) {
            let Some(village) = in_township.get(i) else {
                continue;
            };
            let unit = Unit {
                kind: CreationKind::Village,
                year,
                org: village,
                name: None,
                // How far it has come: 0 declared … 3 named.
                stage: rng.below(4),
                named_on: None,
            };
            made += carry(app, operator, &commander, unit).await;
        }
    }
    Ok(made)
}

/// A demo unit: what it is, and how many steps (自评, 乡镇考核, 区复核) it has come.
struct Unit<'a> {
    kind: CreationKind,
    year: i32,
    org: &'a str,
    name: Option<String>,
    stage: usize,
    named_on: Option<NaiveDate>,
}

/// Declares a unit and carries it its steps with full marks; 1 when it was declared. A step the
/// "六无" refuses leaves it 未通过, as it would be.
async fn carry(app: &App, operator: &Actor, commander: &Actor, u: Unit<'_>) -> usize {
    let request = CreationUnitRequest {
        kind: u.kind.code().into(),
        year: u.year,
        org: Some(u.org.into()),
        place_id: None,
        name: u.name,
    };
    let Ok(unit) = app.creation().declare(operator, &request).await else {
        return 0;
    };
    let scores: Vec<u32> = Checklist::shipped(u.kind)
        .items
        .iter()
        .map(|c| c.points)
        .collect();
    let mut version = unit.version;
    let steps = [
        ("self_assess", operator, "自评材料齐全"),
        ("township_assess", operator, "经实地考核，台账规范"),
        ("district_review", commander, "复核通过，予以命名"),
    ];
    for (step, who, remarks) in steps.into_iter().take(u.stage) {
        let r = CreationStepRequest {
            step: step.into(),
            scores: scores.clone(),
            remarks: remarks.into(),
            named_on: u.named_on,
            document_no: None,
            version,
        };
        match app.creation().take_step(who, unit.id, &r).await {
            Ok(page) if page.unit.status != "failed" => version = page.unit.version,
            _ => break,
        }
    }
    1
}

/// Three incidents of this year in villages of three townships, taken in by their operators.
async fn incidents(
    app: &App,
    workers: &HashMap<String, Actor>,
    operators: &HashMap<String, Actor>,
    rng: &mut SplitMix64,
) -> Result<()> {
    let labels = super::events::grid_labels(app).await?;
    let mut grids: Vec<&String> = workers.keys().collect();
    grids.sort();
    for (i, (category, title)) in INCIDENTS.iter().enumerate() {
        let Some(grid) = grids.get(rng.below(grids.len().max(1))) else {
            continue;
        };
        let (Some(worker), Some(&(lon, lat))) = (workers.get(*grid), labels.get(*grid)) else {
            continue;
        };
        let intake = EventIntake {
            client_id: format!("demo-cj-{i}"),
            channel: "grid_worker".into(),
            category: (*category).into(),
            title: (*title).into(),
            description: "网格员上报（演示数据）".into(),
            lat: Some(lat),
            lon: Some(lon),
            ..Default::default()
        };
        let Ok(outcome) = app.cases().report_event(worker, &intake).await else {
            continue;
        };
        let township = OrgCode::parse(grid)
            .ok()
            .and_then(|g| g.ancestor_at(OrgLevel::Township));
        if let Some(operator) = township.and_then(|t| operators.get(t.as_str())) {
            let accept = ActionRequest {
                action: "accept".into(),
                ..Default::default()
            };
            app.cases()
                .act_on_event(operator, outcome.event.id, &accept)
                .await
                .ok();
        }
    }
    Ok(())
}
