//! 演示稳评 — the district's expert pool and two years of matters assessed by their departments:
//! each at a step of the eight with the records the steps before it needed (方案, 意见征集, 专家
//! 评分, 报告, 会议纪要, 预案 where the level asks for one), most decided 实施 and tracked with their
//! measures, some postponed or not carried out. Deterministic; only at `district` scale.

use super::rng::SplitMix64;
use crate::{App, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use pingan_domain::OrgCode;
use pingan_domain::calendar::TimeUnit;
use pingan_domain::case::risk::{Decision, DocumentKind, MatterType, RISK, RiskLevel, Track};
use pingan_domain::case::{Alert, CaseCore, TimeLimit};
use pingan_store::{
    CaseRecord, NewRiskDocument, NewRiskMeasure, NewRiskScore, NewTimelineEntry, RiskDetail,
    RiskInsert, RiskUpdate,
};

const SEED: u64 = 20_250_601;

/// The expert pool: (name, field, unit).
const EXPERTS: [(&str, &str, &str); 8] = [
    ("李明", "法律", "四川文理学院法学院"),
    ("王芳", "城乡规划", "达州市规划设计研究院"),
    ("赵强", "社会学", "四川文理学院"),
    ("陈静", "环境保护", "达州市环境监测站"),
    ("刘洋", "工程造价", "四川达通工程咨询公司"),
    ("孙丽", "信访维稳", "通川区委政法委"),
    ("周涛", "财政金融", "通川区财政局"),
    ("吴敏", "公共卫生", "达州市中心医院"),
];

/// (matter type, title, department kind that is its 评估主体, people affected).
const MATTERS: [(MatterType, &str, &str, u32); 8] = [
    (
        MatterType::LandDemolition,
        "老城片区棚户区改造房屋征收",
        "住建",
        1_200,
    ),
    (MatterType::MajorProject, "城市快速通道建设", "交通", 3_000),
    (MatterType::Environmental, "生活垃圾转运站选址", "城管", 800),
    (
        MatterType::Policy,
        "城区停车收费标准调整",
        "市场监管",
        50_000,
    ),
    (MatterType::Restructuring, "区属国有企业改制", "人社", 420),
    (
        MatterType::MajorEvent,
        "元宵灯会大型群众性活动",
        "公安",
        80_000,
    ),
    (MatterType::Policy, "义务教育学校划片调整", "教育", 12_000),
    (
        MatterType::LandDemolition,
        "工业园区扩区征地",
        "自然资源",
        650,
    ),
];

/// The steps in order, as the assessment's states.
const STEPS: [&str; 8] = [
    "defining",
    "planning",
    "consulting",
    "analysing",
    "leveling",
    "reporting",
    "deciding",
    "tracking",
];

pub(super) async fn seed(app: &App) -> Result<usize> {
    let district = OrgCode::parse(pingan_domain::division::DISTRICT.0)
        .map_err(|e| crate::AppError::Internal(e.to_string()))?;
    let mut experts = Vec::new();
    for (name, field, unit) in EXPERTS {
        experts.push(app.store.insert_risk_expert(name, field, unit).await?);
    }
    let departments: Vec<(String, i64)> = app
        .store
        .departments_under(district.as_str())
        .await?
        .into_iter()
        .filter(|d| d.org_code == district.as_str())
        .map(|d| (d.kind, d.id))
        .collect();
    let commander = app.store.user_by_username("commander").await?;
    let hub = commander
        .as_ref()
        .map_or((None, "区综治中心".to_owned()), |u| {
            (Some(u.id), u.display_name.clone())
        });
    let calendar = app.org().work_calendar().await?;
    let now = Utc::now();
    let mut rng = SplitMix64::new(SEED);
    let first = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap_or_default();
    let mut made = 0;
    for n in 0..48usize {
        let created = pingan_domain::time::beijing_midnight(
            first + Duration::days(i64::try_from(n * 14).unwrap_or(0)),
        ) + Duration::hours(10);
        if created > now {
            break;
        }
        let Some((matter_type, title, kind, people)) = MATTERS.get(n % MATTERS.len()).copied()
        else {
            continue;
        };
        let Some(subject) = departments.iter().find(|(k, _)| k == kind).map(|d| d.1) else {
            continue;
        };
        let simple = matches!(matter_type, MatterType::MajorEvent) || rng.below(6) == 0;
        let level = if simple {
            RiskLevel::Low
        } else {
            rng.weighted(&[
                (RiskLevel::Low, 55),
                (RiskLevel::Medium, 35),
                (RiskLevel::High, 10),
            ])
            .unwrap_or(RiskLevel::Low)
        };
        // The simple track skips 听取意见 and 分析论证.
        let steps: Vec<&str> = STEPS
            .iter()
            .copied()
            .filter(|s| !simple || !matches!(*s, "consulting" | "analysing"))
            .collect();
        // Each step takes one to three weeks; the matter stands where that brings it today.
        let mut at = created;
        let mut reached = 0usize;
        let mut times = vec![created];
        for _ in 1..steps.len() {
            at += Duration::days(i64::try_from(7 + rng.below(14)).unwrap_or(7));
            if at > now {
                break;
            }
            reached += 1;
            times.push(at);
        }
        let decision = (reached == steps.len() - 1).then(|| match level {
            RiskLevel::High => Decision::Postpone,
            RiskLevel::Medium if rng.below(5) == 0 => Decision::Reject,
            _ => Decision::Implement,
        });
        let state = match decision {
            Some(Decision::Postpone) => "postponed",
            Some(Decision::Reject) => "rejected",
            Some(Decision::Implement) if rng.below(3) == 0 => "closed",
            _ => steps.get(reached).copied().unwrap_or("defining"),
        };
        let since = times.last().copied().unwrap_or(created);
        let mut core = CaseCore::received(
            &RISK,
            state,
            district.clone(),
            TimeLimit::new(10, TimeUnit::WorkDays),
            since,
            &calendar,
        )
        .ok_or_else(|| crate::AppError::Internal("演示稳评状态未定义".into()))?;
        if let Some(clock) = core.clock {
            core.alert = Alert::at(now, clock.yellow_at, clock.deadline);
        }
        core.department = Some(subject);
        // The records each step reached needed.
        let has = |step: &str| {
            STEPS
                .iter()
                .position(|s| *s == step)
                .is_some_and(|i| i < reached)
        };
        let doc = |kind: DocumentKind, at: DateTime<Utc>| NewRiskDocument {
            kind: kind.code().into(),
            method: None,
            participants: None,
            title: format!("{title}{}", kind.label()),
            content: format!("{}（演示数据）", kind.label()),
            added_by: "评估主体".into(),
            added_at: at,
        };
        let mut documents = Vec::new();
        let step_at = |step: &str| {
            steps
                .iter()
                .position(|s| *s == step)
                .and_then(|i| times.get(i + 1))
                .copied()
                .unwrap_or(since)
        };
        if has("planning") {
            documents.push(doc(DocumentKind::Plan, step_at("planning")));
        }
        if has("consulting") && !simple {
            documents.push(NewRiskDocument {
                kind: "opinion".into(),
                method: Some(if people > 5_000 { "survey" } else { "forum" }.into()),
                participants: Some(i64::from(people.min(300))),
                title: "群众意见征集".into(),
                content: "多数群众理解支持，对补偿和出行有意见，已采纳（演示数据）".into(),
                added_by: "评估主体".into(),
                added_at: step_at("consulting"),
            });
        }
        if has("analysing") && !simple {
            documents.push(doc(DocumentKind::Analysis, step_at("analysing")));
        }
        if has("reporting") {
            documents.push(doc(DocumentKind::Report, step_at("reporting")));
        }
        if decision.is_some() {
            if level != RiskLevel::Low {
                documents.push(doc(DocumentKind::Contingency, step_at("deciding")));
            }
            documents.push(doc(DocumentKind::Minutes, step_at("deciding")));
        }
        let entries: Vec<NewTimelineEntry> = (1..=reached)
            .map(|i| NewTimelineEntry {
                at: times.get(i).copied().unwrap_or(since),
                action: match (steps.get(i).copied(), decision) {
                    (Some("tracking"), Some(d)) => d.action().into(),
                    (Some("leveling"), _) if simple => "to_leveling_simple".into(),
                    (Some(s), _) => format!("to_{s}"),
                    (None, _) => "advance".into(),
                },
                actor_id: hub.0,
                actor_name: hub.1.clone(),
                actor_org: None,
                from_state: steps.get(i - 1).map(|s| (*s).into()),
                to_state: steps.get(i).map_or_else(|| state.into(), |s| (*s).into()),
                comment: None,
                detail: "{}".into(),
            })
            .chain(std::iter::once(NewTimelineEntry {
                at: created,
                action: "intake".into(),
                actor_id: hub.0,
                actor_name: hub.1.clone(),
                actor_org: None,
                from_state: None,
                to_state: "defining".into(),
                comment: None,
                detail: "{}".into(),
            }))
            .collect();
        let mut entries = entries;
        entries.sort_by_key(|e| e.at);
        let case = CaseRecord {
            id: 0,
            title: format!("{title}（{}）", 2025 + i32::try_from(n / 26).unwrap_or(0)),
            org_code: district.as_str().into(),
            category: matter_type.code().into(),
            reporter_id: hub.0,
            version: i64::try_from(entries.len()).unwrap_or(1),
            created_at: created,
            updated_at: since,
            core,
        };
        let detail = RiskDetail {
            client_id: format!("demo-wp-{n:04}"),
            matter_type: matter_type.code().into(),
            track: if simple { Track::Simple } else { Track::Full }
                .code()
                .into(),
            description: format!("{title}，涉及群众约 {people} 人（演示数据）"),
            people_affected: i64::from(people),
            level: has("leveling").then(|| level.code().into()),
            decision: decision.map(|d| d.code().into()),
            decided_at: decision.map(|_| step_at("deciding")),
            filed_at: decision.map(|_| step_at("deciding")),
            reassessments: 0,
        };
        let inserted = app
            .store
            .insert_risk(&RiskInsert {
                case: case.clone(),
                detail,
                documents,
                entries,
            })
            .await?;
        let pingan_store::Inserted::New(id) = inserted else {
            continue;
        };
        made += 1;
        // The experts' scores and, once implemented, the measures: written as the actions would.
        let mut written = case.clone();
        written.id = id;
        if has("analysing") && !simple {
            let base = match level {
                RiskLevel::Low => 86,
                RiskLevel::Medium => 72,
                RiskLevel::High => 55,
            };
            for expert in experts.iter().take(3 + rng.below(3)) {
                let score =
                    |rng: &mut SplitMix64| i64::try_from(base + rng.below(8)).unwrap_or(80) - 4;
                let update = RiskUpdate {
                    score: Some(NewRiskScore {
                        expert_id: *expert,
                        legality: score(&mut rng) + 6,
                        rationality: score(&mut rng),
                        feasibility: score(&mut rng),
                        controllability: score(&mut rng) - 2,
                        safety: None,
                        opinion: "建议完善补偿安置和沟通方案（演示数据）".into(),
                        scored_at: step_at("analysing"),
                    }),
                    ..RiskUpdate::default()
                };
                record(
                    app,
                    &mut written,
                    &update,
                    "expert_score",
                    step_at("analysing"),
                )
                .await?;
            }
        }
        if decision == Some(Decision::Implement) {
            let due = pingan_domain::time::beijing_date(step_at("deciding")) + Duration::days(30);
            let update = RiskUpdate {
                measure: Some(NewRiskMeasure {
                    content: "建立群众诉求快速响应机制，每周研判".into(),
                    owner: "评估主体".into(),
                    due_on: due,
                }),
                ..RiskUpdate::default()
            };
            record(
                app,
                &mut written,
                &update,
                "add_measure",
                step_at("deciding"),
            )
            .await?;
        }
    }
    Ok(made)
}

/// Writes an assessment's own rows with a timeline entry, as the action would.
async fn record(
    app: &App,
    case: &mut CaseRecord,
    update: &RiskUpdate,
    action: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let entry = NewTimelineEntry {
        at,
        action: action.into(),
        actor_id: case.reporter_id,
        actor_name: "区综治中心指挥长".into(),
        actor_org: None,
        from_state: Some(case.core.state.key.into()),
        to_state: case.core.state.key.into(),
        comment: None,
        detail: "{}".into(),
    };
    let expected = case.version;
    case.version += 1;
    app.store
        .update_risk(case, expected, &entry, None, update)
        .await?;
    Ok(())
}
