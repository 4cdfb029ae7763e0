//! 演示纠纷 — several years of disputes over the demo district (from 2023 to today), most
//! mediated successfully, a few failing, the road-accident disputes taken to court fewer each
//! year (道交一体化); the recent ones still open in every step. The success rate and the fall in
//! litigation come out of the records: nothing here writes a figure. Deterministic; only at
//! `district` scale, written in batches straight through the store with the app's sealing.

use super::names::{GIVEN, SURNAMES};
use super::rng::SplitMix64;
use crate::{App, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use pingan_domain::calendar::TimeUnit;
use pingan_domain::case::dispute::{
    DISPUTE, DisputeScale, DisputeSource, DisputeType, OrganisationKind, PartyRole, ValidParty,
};
use pingan_domain::case::{Alert, CaseCore, TimeLimit};
use pingan_domain::time::beijing_midnight;
use pingan_domain::{OrgCode, OrgLevel, Role, Scope};
use pingan_store::{CaseRecord, DisputeDetail, DisputeInsert, NewDisputeSession, NewTimelineEntry};
use std::collections::HashMap;

const SEED: u64 = 20_230_101;
/// Disputes per year (a little fewer each year as 诉源治理 works).
const PER_YEAR: [(i32, usize); 4] = [(2023, 3_300), (2024, 3_150), (2025, 3_000), (2026, 2_900)];
/// In 1,000: how often a mediation fails, by year; a road-accident dispute fails (and goes to
/// court) more often, less so each year.
const FAIL: [(i32, usize, usize); 4] = [
    (2023, 38, 150),
    (2024, 34, 120),
    (2025, 30, 90),
    (2026, 27, 70),
];
const BATCH: usize = 400;

/// (type, weight in 1,000, titles).
const TYPES: [(DisputeType, usize, &[&str]); 15] = [
    (
        DisputeType::Family,
        200,
        &[
            "夫妻因家庭琐事发生纠纷",
            "子女赡养老人费用分担纠纷",
            "兄弟分家析产纠纷",
        ],
    ),
    (
        DisputeType::Neighbour,
        220,
        &[
            "相邻排水沟堵塞引发纠纷",
            "楼上漏水致楼下受损",
            "邻里通行道路纠纷",
            "饲养犬只扰邻纠纷",
        ],
    ),
    (
        DisputeType::Housing,
        80,
        &["宅基地界址争议", "房屋租赁押金退还纠纷", "建房遮挡采光纠纷"],
    ),
    (
        DisputeType::Contract,
        60,
        &["民间借贷到期未还纠纷", "装修合同质量纠纷"],
    ),
    (
        DisputeType::Business,
        30,
        &["合伙经营利润分配纠纷", "农资质量纠纷"],
    ),
    (
        DisputeType::Damages,
        80,
        &["打架致人受伤赔偿纠纷", "牲畜损毁庄稼赔偿纠纷"],
    ),
    (
        DisputeType::Land,
        50,
        &["土地承包经营权边界纠纷", "林地权属纠纷"],
    ),
    (DisputeType::Demolition, 20, &["征地补偿款分配纠纷"]),
    (
        DisputeType::Pollution,
        10,
        &["养殖场异味扰民纠纷", "夜间施工噪声纠纷"],
    ),
    (
        DisputeType::Labour,
        70,
        &["拖欠农民工工资纠纷", "工伤赔偿纠纷"],
    ),
    (
        DisputeType::Consumer,
        30,
        &["预付卡退费纠纷", "家电质量退换纠纷"],
    ),
    (
        DisputeType::Medical,
        20,
        &["诊疗费用争议", "医疗损害赔偿纠纷"],
    ),
    (
        DisputeType::Traffic,
        80,
        &["两车剐蹭赔偿纠纷", "电动车与行人相撞赔偿纠纷"],
    ),
    (
        DisputeType::Property,
        40,
        &["物业费拖欠纠纷", "小区停车位管理纠纷"],
    ),
    (DisputeType::Other, 10, &["其他民间纠纷"]),
];

/// (source, weight in 1,000).
const SOURCES: [(DisputeSource, usize); 9] = [
    (DisputeSource::Screening, 450),
    (DisputeSource::Application, 300),
    (DisputeSource::Police, 80),
    (DisputeSource::CourtDelegated, 50),
    (DisputeSource::CourtEntrusted, 20),
    (DisputeSource::Procuratorate, 10),
    (DisputeSource::Petition, 30),
    (DisputeSource::Hotline, 30),
    (DisputeSource::Grid, 30),
];

/// One of `values`, evenly (0 when empty).
fn one_of(rng: &mut SplitMix64, values: &[usize]) -> usize {
    values
        .get(rng.below(values.len()))
        .copied()
        .unwrap_or_default()
}

/// A mediation organisation of the demo and its mediator: (department, mediator id, name).
type Mediator = (i64, Option<i64>, String);

struct Orgs {
    /// By org code and kind.
    by_unit: HashMap<(String, &'static str), Mediator>,
    /// The district's professional committees by the type they take.
    professional: HashMap<String, Mediator>,
}

impl Orgs {
    fn unit(&self, code: &str, kind: OrganisationKind) -> Option<&Mediator> {
        self.by_unit.get(&(code.to_owned(), kind.code()))
    }
}

pub(super) async fn seed(app: &App) -> Result<usize> {
    let district = OrgCode::parse(pingan_domain::division::DISTRICT.0)
        .map_err(|e| crate::AppError::Internal(e.to_string()))?;
    let grids = app.store.grids_under("").await?;
    let users = app
        .store
        .users_in_scope(&Scope::org(district.clone()), 10_000)
        .await?;
    let mediator_of: HashMap<i64, (i64, String)> = users
        .iter()
        .filter(|u| Role::parse(&u.role) == Some(Role::Mediator))
        .filter_map(|u| Some((u.department_id?, (u.id, u.display_name.clone()))))
        .collect();
    let operators: HashMap<String, (i64, String)> = users
        .iter()
        .filter(|u| Role::parse(&u.role) == Some(Role::Operator))
        .map(|u| (u.org_code.clone(), (u.id, u.display_name.clone())))
        .collect();
    let mut orgs = Orgs {
        by_unit: HashMap::new(),
        professional: HashMap::new(),
    };
    for o in app.store.mediation_organisations(district.as_str()).await? {
        let (mediator, name) = mediator_of
            .get(&o.department_id)
            .map_or((None, o.name.clone()), |(id, n)| (Some(*id), n.clone()));
        let entry = (o.department_id, mediator, name);
        if let Some(t) = o.speciality.clone() {
            orgs.professional.insert(t, entry);
        } else if let Some(k) = OrganisationKind::parse(&o.kind) {
            orgs.by_unit.insert((o.org_code.clone(), k.code()), entry);
        }
    }
    if grids.is_empty() || orgs.by_unit.is_empty() {
        return Ok(0);
    }
    let calendar = app.org().work_calendar().await?;
    let now = Utc::now();
    let today = pingan_domain::time::beijing_date(now);
    let mut rng = SplitMix64::new(SEED);
    let mut batch = Vec::with_capacity(BATCH);
    let mut made = 0;
    let mut n = 0usize;
    for (year, per_year) in PER_YEAR {
        let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            continue;
        };
        let (fail, traffic_fail) = FAIL
            .iter()
            .find(|(y, _, _)| *y == year)
            .map_or((30, 90), |(_, f, t)| (*f, *t));
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
            let Some(grid) = grids.get(rng.below(grids.len())) else {
                continue;
            };
            let plan = Planned {
                n,
                created,
                grid_code: grid.code.clone(),
                point: (grid.label_lon, grid.label_lat),
                fail_in_1000: fail,
                traffic_fail_in_1000: traffic_fail,
            };
            if let Some(insert) = plan.build(app, &mut rng, &orgs, &operators, &calendar, now)? {
                batch.push(insert);
            }
            if batch.len() >= BATCH {
                made += app.store.insert_disputes(&batch).await?.len();
                batch.clear();
            }
        }
    }
    if !batch.is_empty() {
        made += app.store.insert_disputes(&batch).await?.len();
    }
    Ok(made)
}

/// One dispute to generate.
struct Planned {
    n: usize,
    created: DateTime<Utc>,
    grid_code: String,
    point: (f64, f64),
    fail_in_1000: usize,
    traffic_fail_in_1000: usize,
}

impl Planned {
    #[allow(clippy::too_many_lines)]
    fn build(
        &self,
        app: &App,
        rng: &mut SplitMix64,
        orgs: &Orgs,
        operators: &HashMap<String, (i64, String)>,
        calendar: &pingan_domain::calendar::WorkCalendar,
        now: DateTime<Utc>,
    ) -> Result<Option<DisputeInsert>> {
        let weights: Vec<(usize, usize)> =
            TYPES.iter().enumerate().map(|(i, t)| (i, t.1)).collect();
        let (Some((dispute_type, _, titles)), Some(source)) = (
            rng.weighted(&weights).and_then(|i| TYPES.get(i)).copied(),
            rng.weighted(&SOURCES),
        ) else {
            return Ok(None);
        };
        let Ok(grid) = OrgCode::parse(&self.grid_code) else {
            return Ok(None);
        };
        let (Some(village), Some(township)) = (
            grid.ancestor_at(OrgLevel::Village),
            grid.ancestor_at(OrgLevel::Township),
        ) else {
            return Ok(None);
        };
        let district = pingan_domain::division::DISTRICT.0;
        // Who mediates: the 对接 room of the referring body, a professional committee for its
        // types (a third of them), else the village's committee (most) or the township's.
        let organisation = match source {
            DisputeSource::Police => orgs.unit(township.as_str(), OrganisationKind::PoliceRoom),
            DisputeSource::CourtDelegated | DisputeSource::CourtEntrusted => {
                orgs.unit(district, OrganisationKind::CourtInvited)
            }
            DisputeSource::Petition => orgs.unit(district, OrganisationKind::PetitionRoom),
            _ if dispute_type.professional() && rng.below(3) == 0 => {
                orgs.professional.get(dispute_type.code())
            }
            _ if rng.below(10) < 7 => orgs.unit(village.as_str(), OrganisationKind::Village),
            _ => orgs.unit(township.as_str(), OrganisationKind::Township),
        }
        .or_else(|| orgs.unit(township.as_str(), OrganisationKind::Township));
        let Some((organisation, mediator_id, mediator_name)) = organisation.cloned() else {
            return Ok(None);
        };
        let (operator_id, operator_name) = operators
            .get(township.as_str())
            .cloned()
            .unwrap_or((0, "综治中心".into()));
        let hours = |h: usize| Duration::hours(i64::try_from(h).unwrap_or(0));
        let accepted = self.created + hours(1 + rng.below(20));
        let assigned = accepted + hours(2 + rng.below(40));
        let session = assigned + hours(24 + rng.below(24 * 8));
        let concluded = session + hours(4 + rng.below(24 * 14));
        let ended = concluded + hours(24 * (3 + rng.below(20)));
        let traffic = dispute_type == DisputeType::Traffic;
        let fails = rng.below(1000)
            < if traffic {
                self.traffic_fail_in_1000
            } else {
                self.fail_in_1000
            };
        let confirmed = !fails && rng.below(10) == 0;

        // Where it stands now, and since when.
        let (state, since) = if now < accepted {
            ("registered", self.created)
        } else if now < assigned {
            ("accepted", accepted)
        } else if now < concluded {
            ("mediating", assigned)
        } else if now < ended {
            (if fails { "failed" } else { "performing" }, concluded)
        } else if fails {
            ("referred", ended)
        } else {
            ("archived", ended)
        };
        let mut core = CaseCore::received(
            &DISPUTE,
            state,
            township.clone(),
            TimeLimit::new(30, TimeUnit::StatutoryDays),
            since,
            calendar,
        )
        .ok_or_else(|| crate::AppError::Internal("演示纠纷状态未定义".into()))?;
        if let Some(clock) = core.clock {
            core.alert = Alert::at(now, clock.yellow_at, clock.deadline);
        }
        let assigned_yet = now >= assigned;
        core.department = assigned_yet.then_some(organisation);
        let concluded_yet = now >= concluded;

        let people = if rng.below(50) == 0 {
            5 + rng.below(30)
        } else {
            2 + rng.below(2)
        };
        let amount_fen = (rng.below(10) < 4).then(|| {
            let yuan = one_of(rng, &[500, 2_000, 8_000, 30_000, 120_000]);
            i64::try_from(yuan / 2 + rng.below(yuan)).unwrap_or(0) * 100
        });
        let person = |rng: &mut SplitMix64, role: PartyRole| {
            let name = format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN));
            ValidParty {
                role,
                name_masked: pingan_domain::identity::mask_name(&name),
                name,
                id_number: None,
                phone: None,
                credit_code: None,
            }
        };
        let parties = vec![
            person(rng, PartyRole::Applicant),
            person(rng, PartyRole::Respondent),
        ];
        let entry = |at: DateTime<Utc>,
                     action: &str,
                     who: (Option<i64>, &str),
                     from: Option<&str>,
                     to: &str,
                     comment: Option<&str>| NewTimelineEntry {
            at,
            action: action.into(),
            actor_id: who.0,
            actor_name: who.1.into(),
            actor_org: None,
            from_state: from.map(Into::into),
            to_state: to.into(),
            comment: comment.map(Into::into),
            detail: "{}".into(),
        };
        let op = (
            Some(operator_id).filter(|id| *id > 0),
            operator_name.as_str(),
        );
        let me = (mediator_id, mediator_name.as_str());
        let mut entries = vec![entry(self.created, "intake", op, None, "registered", None)];
        let mut sessions = Vec::new();
        if now >= accepted {
            entries.push(entry(
                accepted,
                "accept",
                op,
                Some("registered"),
                "accepted",
                None,
            ));
        }
        if assigned_yet {
            entries.push(entry(
                assigned,
                "assign",
                op,
                Some("accepted"),
                "mediating",
                None,
            ));
        }
        if now >= session {
            entries.push(entry(
                session,
                "record_session",
                me,
                Some("mediating"),
                "mediating",
                Some("听取双方陈述，释法说理"),
            ));
            sessions.push(NewDisputeSession {
                held_at: session,
                place: Some("调解室".into()),
                video_link: None,
                attendees: "双方当事人、调解员".into(),
                record: "听取双方陈述，释法说理".into(),
                mediator_id,
                mediator_name: mediator_name.clone(),
            });
        }
        if concluded_yet {
            if fails {
                entries.push(entry(
                    concluded,
                    "fail",
                    me,
                    Some("mediating"),
                    "failed",
                    Some("双方分歧较大，调解不成"),
                ));
            } else {
                entries.push(entry(
                    concluded,
                    "succeed",
                    me,
                    Some("mediating"),
                    "performing",
                    None,
                ));
            }
        }
        if now >= ended {
            if fails {
                entries.push(entry(
                    ended,
                    "refer",
                    op,
                    Some("failed"),
                    "referred",
                    Some("告知当事人依法向人民法院起诉"),
                ));
            } else {
                if confirmed {
                    entries.push(entry(
                        concluded + Duration::days(2),
                        "apply_confirmation",
                        me,
                        Some("performing"),
                        "confirming",
                        None,
                    ));
                    entries.push(entry(
                        concluded + Duration::days(9),
                        "confirm",
                        me,
                        Some("confirming"),
                        "confirmed",
                        None,
                    ));
                }
                entries.push(entry(
                    ended,
                    "archive",
                    me,
                    Some(if confirmed { "confirmed" } else { "performing" }),
                    "archived",
                    Some("协议已履行完毕"),
                ));
            }
        }
        let title = rng.pick(titles).to_owned();
        let external_ref = source.external_ref_label().map(|label| {
            let year = pingan_domain::time::in_shanghai(self.created).format("%Y");
            match source {
                DisputeSource::CourtDelegated | DisputeSource::CourtEntrusted => {
                    format!("({year})川1702民诉前调{}号", self.n)
                }
                _ => format!("{label}{year}{:06}", self.n),
            }
        });
        let detail = DisputeDetail {
            client_id: format!("demo-jf-{:06}", self.n),
            dispute_type: dispute_type.code().into(),
            sub_type: dispute_type
                .sub_types()
                .first()
                .filter(|_| rng.below(2) == 0)
                .map(|s| (*s).to_owned()),
            source: source.code().into(),
            external_ref,
            scale: if people >= 5 {
                DisputeScale::Group
            } else {
                DisputeScale::Individual
            }
            .code()
            .into(),
            people_count: i64::try_from(people).unwrap_or(2),
            amount_fen,
            facts: format!("{title}（演示数据）"),
            lon: Some(self.point.0),
            lat: Some(self.point.1),
            address: None,
            referrer_department_id: None,
            event_id: None,
            mediator_id: mediator_id.filter(|_| now >= session),
            agreement_kind: (concluded_yet && !fails)
                .then(|| if rng.below(4) == 0 { "oral" } else { "written" }.into()),
            agreement: (concluded_yet && !fails)
                .then(|| "双方自愿达成协议，按约定期限履行（演示数据）".into()),
            concluded_at: concluded_yet.then_some(concluded),
            succeeded: concluded_yet.then_some(!fails),
            referred_to: (now >= ended && fails).then(|| "通川区人民法院".into()),
            accident_number: traffic
                .then(|| format!("达公交认字[{}]第{:05}号", 2023 + self.n % 4, self.n)),
            insurer: traffic.then(|| "中国人民财产保险达州市分公司".into()),
            liability_percent: traffic
                .then(|| i64::try_from(one_of(rng, &[100, 70, 50, 30])).unwrap_or(100)),
            litigated: now >= ended && fails,
            // About one success in forty kept a fight from becoming a crime, one group dispute in
            // three kept its people from petitioning.
            prevented_crime: concluded_yet && !fails && rng.below(40) == 0,
            prevented_petition: concluded_yet && !fails && people >= 5 && rng.below(3) == 0,
            screening_id: None,
        };
        let case = CaseRecord {
            id: 0,
            title,
            org_code: self.grid_code.clone(),
            category: dispute_type.code().into(),
            reporter_id: Some(operator_id).filter(|id| *id > 0),
            version: i64::try_from(entries.len()).unwrap_or(1),
            created_at: self.created,
            updated_at: entries.last().map_or(self.created, |e| e.at),
            core,
        };
        Ok(Some(DisputeInsert {
            parties: app.cases().seal_parties(&parties, PartyRole::code)?,
            case,
            detail,
            entries,
            sessions,
        }))
    }
}
