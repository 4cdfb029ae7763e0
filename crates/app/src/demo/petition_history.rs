//! 演示信访 — two years of petitions over the demo district (from 2025 to today): most 交办 to a
//! department, accepted and answered in time, some extended, a few late; some asking for 复查
//! and fewer for 复核; some repeats by the same person, a few collective, a few brought straight
//! to the district (越级), the hard ones taken on by a leader (包案) or given a lawyer; the recent
//! ones still open in every step. Every rate on the statistics page comes out of these records.
//! Deterministic; only at `district` scale, written in batches straight through the store with
//! the app's sealing.

use super::names::{GIVEN, SURNAMES};
use super::rng::SplitMix64;
use crate::{App, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use pingan_domain::calendar::{TimeUnit, WorkCalendar};
use pingan_domain::case::dispute::ValidParty;
use pingan_domain::case::petition::{PETITION, PetitionChannel, PetitionClass, PetitionerRole};
use pingan_domain::case::{ActionInput, Alert, CaseCore, Rating, TimeLimit, apply};
use pingan_domain::identity::{IdNumber, mask_name};
use pingan_domain::time::beijing_midnight;
use pingan_domain::{OrgCode, OrgLevel, Role, Scope};
use pingan_store::{
    CaseRecord, Inserted, NewLawyer, NewTimelineEntry, PetitionDetail, PetitionInsert,
};
use std::collections::HashMap;

const SEED: u64 = 20_250_101;
/// Petitions per year.
const PER_YEAR: [(i32, usize); 2] = [(2025, 1_900), (2026, 1_750)];
const BATCH: usize = 300;

/// (class, title, content, the department kind it goes to).
const MATTERS: [(PetitionClass, &str, &str, &str); 12] = [
    (
        PetitionClass::Claim,
        "反映征地补偿款未足额发放",
        "本组土地被征用后，补偿款至今未足额发放到户。",
        "自然资源",
    ),
    (
        PetitionClass::Claim,
        "反映拖欠农民工工资",
        "在某工地务工三个月，工资至今未结清。",
        "人社",
    ),
    (
        PetitionClass::Claim,
        "反映低保资格被取消",
        "家中有重病患者，低保资格被取消，请求复核。",
        "民政",
    ),
    (
        PetitionClass::Claim,
        "反映房屋质量问题",
        "所购商品房墙体开裂渗水，开发商拒不维修。",
        "住建",
    ),
    (
        PetitionClass::Claim,
        "反映承包地被占用",
        "村道施工占用承包地，未给予补偿。",
        "自然资源",
    ),
    (
        PetitionClass::Accusation,
        "举报村干部优亲厚友",
        "村干部在危房改造补助评定中优亲厚友。",
        "民政",
    ),
    (
        PetitionClass::Accusation,
        "举报企业违法排污",
        "某企业夜间向河道排放污水，气味刺鼻。",
        "生态环境",
    ),
    (
        PetitionClass::Accusation,
        "举报无证经营",
        "小区门口有人长期无证经营餐饮，油烟扰民。",
        "市场监管",
    ),
    (
        PetitionClass::Suggestion,
        "建议增设公交线路",
        "新建小区居民出行不便，建议增设公交站点。",
        "交通",
    ),
    (
        PetitionClass::Suggestion,
        "建议整治学校周边交通",
        "上下学时段学校门口车辆拥堵，存在安全隐患。",
        "公安",
    ),
    (
        PetitionClass::Claim,
        "反映医疗费用报销问题",
        "住院费用医保报销比例与政策不符。",
        "卫健",
    ),
    (
        PetitionClass::Claim,
        "反映噪声扰民",
        "附近工地夜间施工，严重影响休息。",
        "城管",
    ),
];

/// (channel, weight in 1,000).
const CHANNELS: [(PetitionChannel, usize); 8] = [
    (PetitionChannel::Visit, 330),
    (PetitionChannel::Letter, 120),
    (PetitionChannel::Online, 260),
    (PetitionChannel::Phone, 80),
    (PetitionChannel::Email, 20),
    (PetitionChannel::Fax, 5),
    (PetitionChannel::Hotline, 160),
    (PetitionChannel::Mailbox, 25),
];

/// The demo's lawyers: (name, firm, licence number, 法律顾问).
const LAWYERS: [(&str, &str, &str, bool); 6] = [
    ("陈明", "四川达通律师事务所", "15117201810123456", true),
    ("刘芳", "四川达通律师事务所", "15117201910234567", true),
    ("杨涛", "四川巴山律师事务所", "15117201210345678", false),
    ("赵丽", "四川巴山律师事务所", "15117201510456789", false),
    ("黄伟", "四川通川律师事务所", "15117202010567890", true),
    ("周静", "四川通川律师事务所", "15117201710678901", false),
];

/// Who the generated petitions meet: the township offices' operators, the departments by kind
/// and unit, the leaders, the lawyers.
struct People {
    operators: HashMap<String, (i64, String)>,
    /// (org code, kind) → (department id, name).
    departments: HashMap<(String, String), (i64, String)>,
    leaders: Vec<(i64, String)>,
    lawyers: Vec<i64>,
    commander: (i64, String),
}

pub(super) async fn seed(app: &App) -> Result<usize> {
    let district = OrgCode::parse(pingan_domain::division::DISTRICT.0)
        .map_err(|e| crate::AppError::Internal(e.to_string()))?;
    let grids = app.store.grids_under("").await?;
    let users = app
        .store
        .users_in_scope(&Scope::org(district.clone()), 10_000)
        .await?;
    let of_role = |role: Role| {
        users
            .iter()
            .filter(move |u| Role::parse(&u.role) == Some(role))
            .map(|u| (u.org_code.clone(), (u.id, u.display_name.clone())))
    };
    let mut lawyers = Vec::new();
    for (name, firm, licence, adviser) in LAWYERS {
        lawyers.push(
            app.store
                .insert_lawyer(&NewLawyer {
                    name: name.into(),
                    firm: firm.into(),
                    licence_number: licence.into(),
                    org_code: district.as_str().into(),
                    legal_adviser: adviser,
                    user_id: None,
                })
                .await?,
        );
    }
    let people = People {
        operators: of_role(Role::Operator).collect(),
        departments: app
            .store
            .departments_under("")
            .await?
            .into_iter()
            .map(|d| ((d.org_code, d.kind), (d.id, d.name)))
            .collect(),
        leaders: of_role(Role::Leader).map(|(_, l)| l).collect(),
        commander: of_role(Role::Commander)
            .find(|(org, _)| org == district.as_str())
            .map_or((0, "区综治中心".into()), |(_, c)| c),
        lawyers,
    };
    if grids.is_empty() || people.operators.is_empty() {
        return Ok(0);
    }
    let calendar = app.org().work_calendar().await?;
    let now = Utc::now();
    let today = pingan_domain::time::beijing_date(now);
    let mut rng = SplitMix64::new(SEED);
    let mut taken = HashMap::new();
    // The petitions written so far: (grid, petitioner, id) to repeat.
    let mut earlier: Vec<(usize, ValidParty<PetitionerRole>, i64)> = Vec::new();
    let mut batch: Vec<(PetitionInsert, usize, ValidParty<PetitionerRole>)> = Vec::new();
    let mut made = 0;
    let mut n = 0usize;
    for (year, per_year) in PER_YEAR {
        let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            continue;
        };
        for i in 0..per_year {
            let day = first + Duration::days(i64::try_from(i * 365 / per_year).unwrap_or(0));
            if day > today {
                break;
            }
            let created = beijing_midnight(day)
                + Duration::minutes(8 * 60 + i64::try_from(rng.below(9 * 60)).unwrap_or(0));
            if created > now {
                break;
            }
            n += 1;
            // One in twelve comes back: the same person about the same grid.
            let repeat = (rng.below(12) == 0)
                .then(|| earlier.get(rng.below(earlier.len().max(1))).cloned())
                .flatten();
            let grid_at = match &repeat {
                Some((g, _, _)) => *g,
                None => rng.below(grids.len()),
            };
            let Some(grid) = grids.get(grid_at) else {
                continue;
            };
            let petitioner = match &repeat {
                Some((_, p, _)) => p.clone(),
                None => petitioner(&mut rng, &mut taken, today),
            };
            let plan = Planned {
                n,
                created,
                grid_code: grid.code.clone(),
                point: (grid.label_lon, grid.label_lat),
                repeat_of: repeat.map(|r| r.2),
            };
            if let Some(insert) = plan.build(app, &mut rng, &people, &petitioner, &calendar, now)? {
                batch.push((insert, grid_at, petitioner));
            }
            if batch.len() >= BATCH {
                made += write(app, &mut batch, &mut earlier).await?;
            }
        }
    }
    made += write(app, &mut batch, &mut earlier).await?;
    Ok(made)
}

/// Writes a batch and remembers what it wrote for later repeats.
async fn write(
    app: &App,
    batch: &mut Vec<(PetitionInsert, usize, ValidParty<PetitionerRole>)>,
    earlier: &mut Vec<(usize, ValidParty<PetitionerRole>, i64)>,
) -> Result<usize> {
    if batch.is_empty() {
        return Ok(0);
    }
    let inserts: Vec<PetitionInsert> = batch.iter().map(|b| b.0.clone()).collect();
    let ids = app.store.insert_petitions(&inserts).await?;
    for ((_, grid, who), id) in batch.drain(..).zip(&ids) {
        if let Inserted::New(id) = id {
            earlier.push((grid, who, *id));
        }
    }
    Ok(ids.len())
}

/// A petitioner with a valid ID number (so that repeats are found by it).
fn petitioner(
    rng: &mut SplitMix64,
    taken: &mut HashMap<(String, NaiveDate, bool), u16>,
    today: NaiveDate,
) -> ValidParty<PetitionerRole> {
    let name = format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN));
    let birth = NaiveDate::from_ymd_opt(
        1950 + i32::try_from(rng.below(50)).unwrap_or(0),
        1 + u32::try_from(rng.below(12)).unwrap_or(0),
        1 + u32::try_from(rng.below(28)).unwrap_or(0),
    )
    .unwrap_or(today);
    let id = super::population::id_number("511702", birth, rng.below(2) == 0, taken)
        .and_then(|raw| IdNumber::parse(&raw, today).ok());
    ValidParty {
        role: PetitionerRole::Petitioner,
        name_masked: mask_name(&name),
        name,
        id_number: id,
        phone: None,
        credit_code: None,
    }
}

/// One petition to generate.
struct Planned {
    n: usize,
    created: DateTime<Utc>,
    grid_code: String,
    point: (f64, f64),
    repeat_of: Option<i64>,
}

/// A step of a generated petition: when, the action, who, from, to, the comment.
type Step = (
    DateTime<Utc>,
    &'static str,
    (i64, String),
    &'static str,
    &'static str,
    String,
);

impl Planned {
    #[allow(clippy::too_many_lines)]
    fn build(
        &self,
        app: &App,
        rng: &mut SplitMix64,
        people: &People,
        petitioner: &ValidParty<PetitionerRole>,
        calendar: &WorkCalendar,
        now: DateTime<Utc>,
    ) -> Result<Option<PetitionInsert>> {
        let Ok(grid) = OrgCode::parse(&self.grid_code) else {
            return Ok(None);
        };
        let Some(township) = grid.ancestor_at(OrgLevel::Township) else {
            return Ok(None);
        };
        let Some((class, title, content, kind)) = MATTERS.get(rng.below(MATTERS.len())).copied()
        else {
            return Ok(None);
        };
        let channel = rng.weighted(&CHANNELS).unwrap_or(PetitionChannel::Visit);
        let district = pingan_domain::division::DISTRICT.0;
        // One in twenty-five is brought straight to the district (越级) by someone new.
        let skipped = self.repeat_of.is_none() && rng.below(25) == 0;
        let owner = if skipped {
            OrgCode::parse(district).unwrap_or_else(|_| township.clone())
        } else {
            township.clone()
        };
        let office = if skipped {
            people.commander.clone()
        } else {
            people
                .operators
                .get(township.as_str())
                .cloned()
                .unwrap_or((0, "综治中心".into()))
        };
        let department = people
            .departments
            .get(&(district.to_owned(), kind.to_owned()))
            .cloned();
        let collective = rng.below(30) == 0;
        let people_count = if collective { 5 + rng.below(36) } else { 1 };

        // The course it takes, in days after the step before.
        let day = |rng: &mut SplitMix64, from: usize, span: usize| {
            Duration::hours(i64::try_from((from + rng.below(span.max(1))) * 24).unwrap_or(0))
                + Duration::minutes(i64::try_from(rng.below(8 * 60)).unwrap_or(0))
        };
        let route = rng.below(100);
        let routed = self.created + day(rng, 1, 5);
        let late_accept = rng.below(25) == 0;
        let accepted = routed
            + if late_accept {
                day(rng, 16, 10)
            } else {
                day(rng, 1, 10)
            };
        let extended = rng.below(12) == 0;
        let extension = if extended { 15 + rng.below(16) } else { 0 };
        let late_reply = rng.below(30) == 0;
        let replied = accepted
            + if late_reply {
                day(rng, 61 + extension, 15)
            } else {
                day(rng, 10, 45 + extension)
            };
        let served = replied + day(rng, 1, 4);
        let reviews = rng.below(100) < 12;
        let review_asked = served + day(rng, 5, 20);
        let review_replied = review_asked + day(rng, 10, 18);
        let rechecks = reviews && rng.below(100) < 30;
        let recheck_asked = review_replied + day(rng, 5, 20);
        let rechecked = recheck_asked + day(rng, 15, 14);
        let closed = if reviews {
            review_replied + Duration::days(30)
        } else {
            served + Duration::days(30)
        };

        let op = office.clone();
        // The department's handler acts for it (the demo names the department).
        let organ = department
            .clone()
            .map_or(office.clone(), |(_, name)| (0, format!("{name}承办人")));
        let mut steps: Vec<Step> = vec![(
            self.created,
            "intake",
            op.clone(),
            "",
            "registered",
            String::new(),
        )];
        let mut push = |at: DateTime<Utc>, action, who: &(i64, String), from, to, comment: &str| {
            if at <= now {
                steps.push((at, action, who.clone(), from, to, comment.to_owned()));
                true
            } else {
                false
            }
        };
        // Where it stands now, and since when; what the row records.
        let mut state = ("registered", self.created);
        let mut refusal = None;
        let mut accepted_at = None;
        let mut replied_at = None;
        let mut served_at = None;
        let mut outcome = None;
        let (mut review_outcome, mut recheck_outcome) = (None, None);
        let mut rating = None;
        if route < 4 {
            if push(
                routed,
                "inform",
                &op,
                "registered",
                "informed",
                "告知信访人依法向人民法院起诉",
            ) {
                state = ("informed", routed);
            }
        } else if route < 7 {
            if push(
                routed,
                "refuse",
                &op,
                "registered",
                "refused",
                "应通过诉讼、仲裁、行政复议等法定途径解决",
            ) {
                state = ("refused", routed);
                refusal = Some("litigation");
            }
        } else if department.is_some()
            && push(
                routed,
                "assign",
                &op,
                "registered",
                "routed",
                "请依法办理并答复信访人",
            )
        {
            state = ("routed", routed);
            if push(accepted, "accept", &organ, "routed", "handling", "") {
                state = ("handling", accepted);
                accepted_at = Some(accepted);
                if extended {
                    push(
                        accepted + Duration::days(45),
                        "extend",
                        &organ,
                        "handling",
                        "handling",
                        "情况复杂，需调查核实，延期办理",
                    );
                }
                let result = rng
                    .weighted(&[("support", 35), ("explain", 45), ("reject", 20)])
                    .unwrap_or("explain");
                if push(
                    replied,
                    "reply",
                    &organ,
                    "handling",
                    "replied",
                    "经调查核实，出具处理意见",
                ) {
                    state = ("replied", replied);
                    replied_at = Some(replied);
                    outcome = Some(result);
                    if push(served, "serve", &op, "replied", "served", "") {
                        state = ("served", served);
                        served_at = Some(served);
                        if rng.below(100) < 85 {
                            rating = Some(
                                rng.weighted(&[
                                    (Rating::Satisfied, 78),
                                    (Rating::FairlySatisfied, 16),
                                    (Rating::Dissatisfied, 6),
                                ])
                                .unwrap_or(Rating::Satisfied),
                            );
                        }
                        if reviews
                            && push(
                                review_asked,
                                "request_review",
                                &op,
                                "served",
                                "reviewing",
                                "",
                            )
                        {
                            state = ("reviewing", review_asked);
                            if push(
                                review_replied,
                                "review_reply",
                                &op,
                                "reviewing",
                                "review_replied",
                                "维持",
                            ) {
                                state = ("review_replied", review_replied);
                                review_outcome = Some("uphold");
                                if rechecks
                                    && push(
                                        recheck_asked,
                                        "request_recheck",
                                        &op,
                                        "review_replied",
                                        "rechecking",
                                        "",
                                    )
                                {
                                    state = ("rechecking", recheck_asked);
                                    if push(
                                        rechecked,
                                        "recheck_reply",
                                        &op,
                                        "rechecking",
                                        "rechecked",
                                        "维持",
                                    ) {
                                        state = ("rechecked", rechecked);
                                        recheck_outcome = Some("uphold");
                                    }
                                }
                            }
                        }
                        let from = state.0;
                        if matches!(from, "served" | "review_replied")
                            && push(closed, "conclude", &op, from, "closed", "信访人息诉罢访")
                        {
                            state = ("closed", closed);
                        }
                    }
                }
            }
        }
        let mut core = CaseCore::received(
            &PETITION,
            state.0,
            owner,
            TimeLimit::new(60, TimeUnit::StatutoryDays),
            state.1,
            calendar,
        )
        .ok_or_else(|| crate::AppError::Internal("演示信访状态未定义".into()))?;
        if state.0 == "handling" && extended && steps.iter().any(|s| s.1 == "extend") {
            let spec = PETITION
                .action("extend")
                .ok_or_else(|| crate::AppError::Internal("延期办理未定义".into()))?;
            let input = ActionInput {
                extension_days: u32::try_from(extension).ok(),
                ..ActionInput::default()
            };
            apply(spec, &mut core, &input, now, calendar).map_err(crate::cases::refusal)?;
        }
        if let Some(clock) = core.clock {
            core.alert = Alert::at(now, clock.yellow_at, clock.deadline);
        }
        core.rating = rating;
        core.department = department
            .as_ref()
            .filter(|_| steps.iter().any(|s| s.1 == "assign"))
            .map(|d| d.0);
        // The hard ones — repeats and collective petitions — are taken on by a leader; one claim
        // in twenty gets a lawyer.
        let leader = (self.repeat_of.is_some() || collective)
            .then(|| {
                people
                    .leaders
                    .get(rng.below(people.leaders.len().max(1)))
                    .cloned()
            })
            .flatten()
            .filter(|_| rng.below(3) == 0);
        let lawyer = (class == PetitionClass::Claim && rng.below(20) == 0)
            .then(|| {
                people
                    .lawyers
                    .get(rng.below(people.lawyers.len().max(1)))
                    .copied()
            })
            .flatten();
        let mut entries: Vec<NewTimelineEntry> = steps
            .iter()
            .map(|(at, action, who, from, to, comment)| NewTimelineEntry {
                at: *at,
                action: (*action).into(),
                actor_id: Some(who.0).filter(|id| *id > 0),
                actor_name: who.1.clone(),
                actor_org: None,
                from_state: (!from.is_empty()).then(|| (*from).into()),
                to_state: (*to).into(),
                comment: (!comment.is_empty()).then(|| comment.clone()),
                detail: "{}".into(),
            })
            .collect();
        if let Some((_, name)) = &leader {
            let state_then = entries
                .last()
                .map_or_else(|| "registered".to_owned(), |e| e.to_state.clone());
            entries.push(NewTimelineEntry {
                at: self.created + Duration::days(2),
                action: "assign_leader".into(),
                actor_id: Some(people.commander.0).filter(|id| *id > 0),
                actor_name: people.commander.1.clone(),
                actor_org: None,
                from_state: Some(state_then.clone()),
                to_state: state_then,
                comment: Some(format!("{name}包案：每月接访一次，协调相关部门化解")),
                detail: "{}".into(),
            });
        }
        entries.sort_by_key(|e| e.at);
        entries.retain(|e| e.at <= now);
        let on_time = |from: DateTime<Utc>, at: Option<DateTime<Utc>>, days: i64| {
            at.map(|a| a - from <= Duration::days(days))
        };
        let detail = PetitionDetail {
            client_id: format!("demo-xf-{:06}", self.n),
            channel: channel.code().into(),
            class: class.code().into(),
            content: format!("{content}（演示数据）"),
            requests: "请求依法处理".into(),
            people_count: i64::try_from(people_count).unwrap_or(1),
            collective,
            external_ref: (channel == PetitionChannel::Hotline)
                .then(|| format!("12345-{:08}", self.n)),
            lon: Some(self.point.0),
            lat: Some(self.point.1),
            address: None,
            repeat_of: self.repeat_of,
            skipped_level: skipped,
            refusal_ground: refusal.map(Into::into),
            accepted_at,
            accepted_on_time: on_time(routed, accepted_at, 15).or(refusal.map(|_| true)),
            extended_days: if extended && accepted_at.is_some_and(|a| a + Duration::days(45) <= now)
            {
                i64::try_from(extension).unwrap_or(0)
            } else {
                0
            },
            outcome: outcome.map(Into::into),
            replied_at,
            replied_on_time: accepted_at
                .and_then(|a| on_time(a, replied_at, 60 + i64::try_from(extension).unwrap_or(0))),
            served_at,
            review_outcome: review_outcome.map(Into::into),
            recheck_outcome: recheck_outcome.map(Into::into),
            hearing_since: None,
            hearing_days: 0,
            leader_id: leader.as_ref().map(|l| l.0),
            leader_plan: leader
                .as_ref()
                .map(|_| "每月接访一次，协调相关部门化解".into()),
            lawyer_id: lawyer,
            lawyer_role: lawyer.map(|_| "advise".into()),
            dispute_id: None,
        };
        let who = vec![ValidParty {
            role: if collective {
                PetitionerRole::Representative
            } else {
                PetitionerRole::Petitioner
            },
            ..petitioner.clone()
        }];
        let case = CaseRecord {
            id: 0,
            title: (*title).into(),
            org_code: self.grid_code.clone(),
            category: class.code().into(),
            reporter_id: Some(office.0).filter(|id| *id > 0),
            version: i64::try_from(entries.len()).unwrap_or(1),
            created_at: self.created,
            updated_at: entries.last().map_or(self.created, |e| e.at),
            core,
        };
        Ok(Some(PetitionInsert {
            parties: app.cases().seal_parties(&who, PetitionerRole::code)?,
            case,
            detail,
            entries,
        }))
    }
}
