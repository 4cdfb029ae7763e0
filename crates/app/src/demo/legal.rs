//! 演示公共法律服务 — "一村一法律顾问" in every village and community of the district: each township's
//! villages advised by two lawyers of a local firm (added to the lawyers' directory, serving that
//! township), and this year's consultations at the township stations and village rooms; the twelve
//! "通川有礼"法治服务小分队 of 700 officers and this year's 送法下乡, 法治赶场日 and 政法服务进小区.
//! Once the population has placed the enterprises, the first of them get their 法律健康档案
//! (`seed_health`). Through the real use cases; deterministic; only at `district` scale.

use super::events::as_user;
use super::rng::SplitMix64;
use crate::{
    AdviserRequest, App, AppError, CheckupRequest, ConsultationRequest, LegalRiskEntry,
    OutreachRequest, OutreachTeamRequest, PlaceQuery, Result,
};
use chrono::{Datelike, Duration, Utc};
use pingan_domain::legal::{ConsultChannel, ConsultTopic, OutreachKind};
use pingan_domain::time::{beijing_date, beijing_midnight};
use pingan_domain::{OrgLevel, Role, Scope};
use pingan_store::NewLawyer;

const SEED: u64 = 20_190_415;
/// The firms the district's village advisers come from.
const FIRMS: [&str; 4] = [
    "四川达通律师事务所",
    "四川巴山律师事务所",
    "四川通川律师事务所",
    "四川明月律师事务所",
];
const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙",
];
const GIVEN: [&str; 12] = [
    "明", "芳", "军", "丽", "涛", "静", "磊", "婷", "勇", "敏", "杰", "燕",
];
/// Consultations at each township this year so far.
const PER_TOWNSHIP: usize = 6;
/// What people ask about, with a typical answer.
const ASKED: [(ConsultTopic, &str, &str); 5] = [
    (
        ConsultTopic::Marriage,
        "丈夫常年在外务工不回家，想离婚，孩子跟谁？",
        "可协议离婚；协议不成可起诉，抚养权以有利于子女成长为原则。建议先由村调委会调解。",
    ),
    (
        ConsultTopic::Labour,
        "在工地干了三个月，老板拖欠工资不给怎么办？",
        "保留考勤、转账和聊天记录，可向人社局劳动监察投诉或申请劳动仲裁，法律援助中心可代理。",
    ),
    (
        ConsultTopic::Land,
        "邻居建房占了我家宅基地一米多，怎么处理？",
        "先请村委会和司法所调解；调解不成，可向乡镇政府申请确权或向法院起诉排除妨害。",
    ),
    (
        ConsultTopic::Inheritance,
        "父亲去世没有遗嘱，房子兄妹几个怎么分？",
        "按法定继承，第一顺序继承人均等分配；对尽了主要赡养义务的可以多分，可办理继承公证。",
    ),
    (
        ConsultTopic::Contract,
        "借给亲戚五万元只有微信记录，能要回来吗？",
        "微信转账记录和聊天记录可作为证据，建议先书面催告，三年诉讼时效内可起诉。",
    ),
];

/// The lead units of the twelve teams, in turn.
const LEADS: [&str; 6] = [
    "区委政法委",
    "区人民法院",
    "区人民检察院",
    "公安通川分局",
    "区司法局",
    "区信访局",
];
/// The district's teams ("700余名政法干警组成12支'通川有礼'法治服务小分队").
const TEAMS: usize = 12;
const OFFICERS: u32 = 700;
/// Where each kind of activity is held.
const PLACES: [(OutreachKind, &str); 4] = [
    (OutreachKind::MarketDay, "集镇赶场点"),
    (OutreachKind::Rural, "村委会院坝"),
    (OutreachKind::Community, "小区广场"),
    (OutreachKind::Publicity, "中心校操场"),
];
const ORDINALS: [&str; 12] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
];

pub(super) async fn seed(app: &App) -> Result<usize> {
    let district = pingan_domain::division::DISTRICT.0;
    let mut operators = Vec::new();
    let mut commander = None;
    for u in app
        .store
        .users_in_scope(
            &Scope::org(
                pingan_domain::OrgCode::parse(district)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            ),
            10_000,
        )
        .await?
    {
        match Role::parse(&u.role) {
            Some(Role::Commander) if u.org_code.len() == 6 && commander.is_none() => {
                commander = Some(as_user(app, u)?);
            }
            Some(Role::Operator) if u.org_code.len() == 9 => operators.push(as_user(app, u)?),
            _ => {}
        }
    }
    let commander =
        commander.ok_or_else(|| AppError::Internal("演示区级指挥长账号不存在".into()))?;
    let units = app.store.org_units_under(district).await?;
    let townships: Vec<&str> = units
        .iter()
        .filter(|u| u.code.len() == OrgLevel::Township.code_len())
        .map(|u| u.code.as_str())
        .collect();
    let mut rng = SplitMix64::new(SEED);
    let mut assigned = 0;
    for (t, township) in townships.iter().enumerate() {
        let mut lawyers = Vec::new();
        for k in 0..2u64 {
            let name = format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN));
            let licence = format!("151172015{:04}{:04}", t, k + 1);
            let id = app
                .store
                .insert_lawyer(&NewLawyer {
                    name,
                    firm: FIRMS
                        .get(t % FIRMS.len())
                        .copied()
                        .unwrap_or_default()
                        .into(),
                    licence_number: licence,
                    org_code: (*township).into(),
                    legal_adviser: true,
                    user_id: None,
                })
                .await?;
            lawyers.push(id);
        }
        let villages = units.iter().filter(|u| {
            u.code.len() == OrgLevel::Village.code_len() && u.code.starts_with(township)
        });
        let since =
            beijing_date(Utc::now()).with_ordinal(1).unwrap_or_default() - Duration::days(365 * 2);
        for (v, village) in villages.enumerate() {
            app.legal()
                .assign_adviser(
                    &commander,
                    &AdviserRequest {
                        village: village.code.clone(),
                        lawyer_id: lawyers.get(v % 2).copied().unwrap_or_default(),
                        since: Some(since),
                    },
                )
                .await?;
            assigned += 1;
        }
        // The township's station takes some consultations this year.
        let Some(operator) = operators.iter().find(|o| {
            o.user
                .as_ref()
                .is_some_and(|u| u.org_code.as_str() == *township)
        }) else {
            continue;
        };
        let today = beijing_date(Utc::now());
        let days_so_far = i64::from(today.ordinal0()).max(1);
        for n in 0..PER_TOWNSHIP {
            let (topic, question, answer) = ASKED
                .get(rng.below(ASKED.len()))
                .copied()
                .unwrap_or(ASKED[0]);
            let day = today
                - Duration::days(
                    i64::try_from(rng.below(usize::try_from(days_so_far).unwrap_or(1)))
                        .unwrap_or(0),
                );
            let at = (beijing_midnight(day)
                + Duration::hours(9 + i64::try_from(rng.below(8)).unwrap_or(0)))
            .min(Utc::now());
            let channel = ConsultChannel::ALL
                .get(rng.below(ConsultChannel::ALL.len()))
                .copied()
                .unwrap_or(ConsultChannel::Visit);
            app.legal()
                .record_consultation(
                    operator,
                    &ConsultationRequest {
                        client_id: Some(format!("demo-legal-{township}-{n:03}")),
                        org: None,
                        lawyer_id: lawyers.get(n % 2).copied(),
                        channel: channel.code().into(),
                        topic: topic.code().into(),
                        asker: format!(
                            "{}{}{}",
                            rng.pick(&SURNAMES),
                            rng.pick(&GIVEN),
                            rng.pick(&GIVEN)
                        ),
                        question: question.into(),
                        answer: answer.into(),
                        minutes: 10 + u32::try_from(rng.below(50)).unwrap_or(0),
                        notary: topic == ConsultTopic::Inheritance,
                        consulted_at: Some(at),
                    },
                )
                .await?;
        }
    }
    seed_outreach(app, &commander, &townships, &mut rng).await?;
    Ok(assigned)
}

/// The twelve teams and about five activities a month so far this year, each in a township of
/// the district, by a team in turn.
async fn seed_outreach(
    app: &App,
    commander: &crate::Actor,
    townships: &[&str],
    rng: &mut SplitMix64,
) -> Result<()> {
    let mut teams = Vec::new();
    let teams_count = u32::try_from(TEAMS).unwrap_or(1);
    let per_team = OFFICERS / teams_count;
    for (n, ordinal) in ORDINALS.iter().enumerate().take(TEAMS) {
        // The remainder goes to the first teams, so that the officers add up to 700.
        let extra = u32::from(u32::try_from(n).unwrap_or(u32::MAX) < OFFICERS % teams_count);
        let team = app
            .legal()
            .add_outreach_team(
                commander,
                &OutreachTeamRequest {
                    name: format!("“通川有礼”法治服务第{ordinal}小分队"),
                    lead_unit: LEADS
                        .get(n % LEADS.len())
                        .copied()
                        .unwrap_or_default()
                        .into(),
                    officers: per_team + extra,
                },
            )
            .await?;
        teams.push(team.id);
    }
    let today = beijing_date(Utc::now());
    let days_so_far = usize::try_from(today.ordinal0()).unwrap_or(0).max(1);
    let activities = (days_so_far / 6).max(1);
    for n in 0..activities {
        let (kind, place) = PLACES
            .get(rng.below(PLACES.len()))
            .copied()
            .unwrap_or(PLACES[0]);
        let township = townships
            .get(rng.below(townships.len().max(1)))
            .copied()
            .unwrap_or_default();
        let officers = 5 + u32::try_from(rng.below(20)).unwrap_or(0);
        let reached = 80 + u32::try_from(rng.below(900)).unwrap_or(0);
        app.legal()
            .record_outreach(
                commander,
                &OutreachRequest {
                    client_id: Some(format!("demo-outreach-{n:04}")),
                    kind: kind.code().into(),
                    team_id: teams.get(n % teams.len().max(1)).copied(),
                    org: Some(township.into()),
                    place: place.into(),
                    held_on: Some(
                        today - Duration::days(i64::try_from(rng.below(days_so_far)).unwrap_or(0)),
                    ),
                    officers,
                    people_reached: reached,
                    materials: reached + u32::try_from(rng.below(300)).unwrap_or(0),
                    questions: reached / 20,
                    summary: format!(
                        "{}：宣讲反电诈、婚姻家庭和土地承包法律知识，现场解答群众咨询",
                        kind.label()
                    ),
                },
            )
            .await?;
    }
    Ok(())
}

/// What check-ups of the demo's enterprises find: (area, level, finding, advice).
const FOUND: [(&str, &str, &str, &str); 4] = [
    (
        "labour",
        "high",
        "部分员工未签订书面劳动合同，未足额缴纳社会保险",
        "一个月内补签劳动合同，按规定补缴社会保险",
    ),
    (
        "contract",
        "medium",
        "购销合同无违约责任和争议解决条款",
        "修订合同范本，明确违约责任，约定由达州仲裁委员会仲裁",
    ),
    (
        "safety",
        "high",
        "特种作业人员无证上岗",
        "立即停止无证作业，组织培训取证后再上岗",
    ),
    (
        "ip",
        "low",
        "自有品牌未注册商标",
        "尽快申请注册商标，防止被抢注",
    ),
];
/// Enterprises given a file.
const CHECKED: usize = 40;

/// The 法律健康档案 of the first enterprises of the district, checked this year by their
/// township's advisers, some risks already put right. Run after the population has placed them;
/// nothing when there is no district commander or no enterprise.
pub(super) async fn seed_health(app: &App) -> Result<usize> {
    let Some(commander) = app
        .store
        .user_by_username("commander")
        .await?
        .map(|u| as_user(app, u))
        .transpose()?
    else {
        return Ok(0);
    };
    let Some(user) = commander.user.clone() else {
        return Ok(0);
    };
    let firms = app
        .registry()
        .places(
            &user,
            &PlaceQuery {
                category: Some("enterprise".into()),
                ..Default::default()
            },
        )
        .await?
        .rows;
    let today = beijing_date(Utc::now());
    let mut rng = SplitMix64::new(SEED + 1);
    let mut checked = 0;
    for (n, firm) in firms.iter().take(CHECKED).enumerate() {
        let picks: Vec<_> = (0..1 + rng.below(2))
            .filter_map(|_| FOUND.get(rng.below(FOUND.len())).copied())
            .collect();
        let checked_on = today - Duration::days(10 + i64::try_from(rng.below(200)).unwrap_or(0));
        let file = app
            .legal()
            .record_checkup(
                &commander,
                firm.id,
                &CheckupRequest {
                    client_id: Some(format!("demo-checkup-{n:04}")),
                    checked_on: Some(checked_on),
                    lawyer_id: None,
                    risks: picks
                        .iter()
                        .map(|(area, level, finding, _)| LegalRiskEntry {
                            area: (*area).into(),
                            level: (*level).into(),
                            finding: (*finding).into(),
                        })
                        .collect(),
                    advice: picks.iter().map(|p| p.3).collect::<Vec<_>>().join("；"),
                    lawsuits_pending: u32::try_from(rng.below(3)).unwrap_or(0),
                    enforcement: "none".into(),
                    follow_up_on: Some(checked_on + Duration::days(60)),
                },
            )
            .await?
            .0;
        // One in three has put its first risk right already.
        if n % 3 == 0
            && let Some(risk) = file.risks.first()
        {
            app.legal()
                .resolve_risk(
                    &commander,
                    risk.id,
                    &crate::RiskResolution {
                        resolution: "复查时已整改到位".into(),
                    },
                )
                .await?;
        }
        checked += 1;
    }
    Ok(checked)
}
