//! 演示线索 — two years of 涉黑涉恶线索 taken in by the district's clue office (扫黑办): screened,
//! some found invalid, most given to the public security bureau or an industry department,
//! verified (查实 with the cases, people and assets involved, 查否, 存疑), a few marked 一案三查,
//! fed back; the recent ones still open. Named informants are sealed apart like real ones.
//! Deterministic; only at `district` scale.

use super::names::{GIVEN, SURNAMES};
use super::rng::SplitMix64;
use crate::cases::clues::{CODE_FIELD, INFORMANT_NAME_FIELD};
use crate::{App, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use pingan_domain::OrgCode;
use pingan_domain::calendar::TimeUnit;
use pingan_domain::case::clue::{CLUE, ClueGrade, ClueResult, ClueSource};
use pingan_domain::case::{Alert, CaseCore, TimeLimit};
use pingan_domain::time::beijing_midnight;
use pingan_store::{CaseRecord, ClueDetail, ClueInsert, NewTimelineEntry, SealedInformant};

const SEED: u64 = 20_250_301;

/// A step of a generated clue: when, the action, who (id, name), from, to, the comment.
type Step = (
    DateTime<Utc>,
    &'static str,
    (Option<i64>, String),
    &'static str,
    &'static str,
    String,
);
/// Clues per year.
const PER_YEAR: [(i32, usize); 2] = [(2025, 160), (2026, 140)];

/// (title, content, named, the department kind that verifies it).
const REPORTS: [(&str, &str, &str, &str); 6] = [
    (
        "有人强揽工程、阻工威胁",
        "有人纠集多人到工地阻工，强迫施工方把土方工程交其承包。",
        "张某及其手下数人",
        "公安",
    ),
    (
        "农贸市场有人强收保护费",
        "市场内有人向商户强收所谓管理费，不交即砸摊。",
        "王某等人",
        "公安",
    ),
    (
        "砂石行业欺行霸市",
        "有人垄断河道砂石开采和运输，排挤其他经营者。",
        "某砂石公司实际控制人",
        "自然资源",
    ),
    (
        "非法放贷、暴力催收",
        "有人以高息放贷，逾期后上门恐吓、滋扰借款人家属。",
        "李某团伙",
        "公安",
    ),
    (
        "村霸把持村务",
        "村内有人以暴力威胁村民，操纵集体资产承包。",
        "某村刘某",
        "住建",
    ),
    (
        "市场经营者串通抬价",
        "几家经营者结伙控制冻品批发价格，威胁外来商户。",
        "某冻品批发商",
        "市场监管",
    ),
];

pub(super) async fn seed(app: &App) -> Result<usize> {
    let district = OrgCode::parse(pingan_domain::division::DISTRICT.0)
        .map_err(|e| crate::AppError::Internal(e.to_string()))?;
    let Some(office) = app.store.user_by_username("sh-511702").await? else {
        return Ok(0);
    };
    let departments: Vec<(String, i64, String)> = app
        .store
        .departments_under(district.as_str())
        .await?
        .into_iter()
        .filter(|d| d.org_code == district.as_str())
        .map(|d| (d.kind, d.id, d.name))
        .collect();
    let grids = app.store.grids_under("").await?;
    let calendar = app.org().work_calendar().await?;
    let now = Utc::now();
    let today = pingan_domain::time::beijing_date(now);
    let mut rng = SplitMix64::new(SEED);
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
            let Some((title, content, named, kind)) =
                REPORTS.get(rng.below(REPORTS.len())).copied()
            else {
                continue;
            };
            let verifier = departments
                .iter()
                .find(|(k, _, _)| k == kind)
                .map(|(_, id, name)| (*id, name.clone()));
            let grid = grids
                .get(rng.below(grids.len().max(1)))
                .map_or_else(|| district.as_str().to_owned(), |g| g.code.clone());
            let hours = |rng: &mut SplitMix64, from: usize, span: usize| {
                Duration::hours(i64::try_from(from + rng.below(span.max(1))).unwrap_or(0))
            };
            let screened = created + hours(&mut rng, 24, 72);
            let assigned = screened + hours(&mut rng, 4, 48);
            let verified = assigned + hours(&mut rng, 24 * 8, 24 * 20);
            let closed = verified + hours(&mut rng, 24, 72);
            let invalid = rng.below(10) == 0;
            let grade = if rng.below(3) == 0 {
                ClueGrade::Important
            } else {
                ClueGrade::General
            };
            let result = rng
                .weighted(&[
                    (ClueResult::Substantiated, 30),
                    (ClueResult::Unfounded, 50),
                    (ClueResult::Doubtful, 20),
                ])
                .unwrap_or(ClueResult::Unfounded);
            let who = (Some(office.id), office.display_name.clone());
            let by_verifier = (
                None,
                verifier
                    .as_ref()
                    .map_or_else(String::new, |v| format!("{}承办人", v.1)),
            );
            let mut steps: Vec<Step> = vec![(
                created,
                "intake",
                who.clone(),
                "",
                "registered",
                String::new(),
            )];
            let mut state = ("registered", created);
            if screened <= now {
                if invalid {
                    steps.push((
                        screened,
                        "discard",
                        who.clone(),
                        "registered",
                        "invalid",
                        "内容不具体，无法核查".into(),
                    ));
                    state = ("invalid", screened);
                } else {
                    steps.push((
                        screened,
                        "screen",
                        who.clone(),
                        "registered",
                        "screened",
                        grade.label().into(),
                    ));
                    state = ("screened", screened);
                    if assigned <= now && verifier.is_some() {
                        steps.push((
                            assigned,
                            "assign",
                            who.clone(),
                            "screened",
                            "verifying",
                            "请依法核查并报送结果".into(),
                        ));
                        state = ("verifying", assigned);
                        if verified <= now {
                            steps.push((
                                verified,
                                "report_result",
                                by_verifier.clone(),
                                "verifying",
                                "verified",
                                result.label().into(),
                            ));
                            state = ("verified", verified);
                            if closed <= now {
                                steps.push((
                                    closed,
                                    "conclude",
                                    who.clone(),
                                    "verified",
                                    "closed",
                                    String::new(),
                                ));
                                state = ("closed", closed);
                            }
                        }
                    }
                }
            }
            let mut core = CaseCore::received(
                &CLUE,
                state.0,
                district.clone(),
                TimeLimit::new(30, TimeUnit::StatutoryDays),
                state.1,
                &calendar,
            )
            .ok_or_else(|| crate::AppError::Internal("演示线索状态未定义".into()))?;
            if let Some(clock) = core.clock {
                core.alert = Alert::at(now, clock.yellow_at, clock.deadline);
            }
            core.department = verifier
                .as_ref()
                .filter(|_| steps.iter().any(|s| s.1 == "assign"))
                .map(|v| v.0);
            let reported = steps.iter().any(|s| s.1 == "report_result");
            let substantiated = reported && result == ClueResult::Substantiated;
            let anonymous = rng.below(5) < 2;
            let informant = if anonymous {
                None
            } else {
                let name = format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN));
                Some(SealedInformant {
                    name_sealed: Some(app.cipher.seal(INFORMANT_NAME_FIELD, &name)?),
                    ..SealedInformant::default()
                })
            };
            let entries: Vec<NewTimelineEntry> = steps
                .iter()
                .map(|(at, action, who, from, to, comment)| NewTimelineEntry {
                    at: *at,
                    action: (*action).into(),
                    actor_id: who.0,
                    actor_name: who.1.clone(),
                    actor_org: None,
                    from_state: (!from.is_empty()).then(|| (*from).into()),
                    to_state: (*to).into(),
                    comment: (!comment.is_empty()).then(|| comment.clone()),
                    detail: "{}".into(),
                })
                .collect();
            let detail = ClueDetail {
                client_id: format!("demo-xs-{n:05}"),
                source: rng
                    .weighted(&[
                        (ClueSource::Phone, 30),
                        (ClueSource::Letter, 20),
                        (ClueSource::Online, 25),
                        (ClueSource::Visit, 10),
                        (ClueSource::Hotline, 5),
                        (ClueSource::CaseWork, 7),
                        (ClueSource::Inspection, 3),
                    ])
                    .unwrap_or(ClueSource::Phone)
                    .code()
                    .into(),
                external_ref: None,
                content: format!("{content}（演示数据）"),
                named: named.into(),
                anonymous,
                grade: (!invalid && screened <= now).then(|| grade.code().into()),
                result: reported.then(|| result.code().into()),
                cases_opened: if substantiated { 1 } else { 0 },
                people_involved: if substantiated {
                    i64::try_from(3 + rng.below(8)).unwrap_or(3)
                } else {
                    0
                },
                assets_fen: if substantiated {
                    i64::try_from(50_000 + rng.below(2_000_000)).unwrap_or(0) * 100
                } else {
                    0
                },
                marks: if substantiated && rng.below(8) == 0 {
                    "umbrella".into()
                } else {
                    String::new()
                },
                feedback: (state.0 == "closed")
                    .then(|| "您举报的线索已核查办结，感谢您的支持。".into()),
                feedback_at: (state.0 == "closed").then_some(closed),
            };
            let case = CaseRecord {
                id: 0,
                title: title.into(),
                org_code: grid,
                category: detail.source.clone(),
                reporter_id: Some(office.id),
                version: i64::try_from(entries.len()).unwrap_or(1),
                created_at: created,
                updated_at: entries.last().map_or(created, |e| e.at),
                core,
            };
            // Each demo clue has a code nobody was told: the lookup stays closed to guesses.
            let code = pingan_crypto::random_code::<16>()?;
            app.store
                .insert_clue(&ClueInsert {
                    case,
                    detail,
                    code_index: app.cipher.blind_index(CODE_FIELD, &code),
                    informant,
                    entries,
                })
                .await?;
            made += 1;
        }
    }
    Ok(made)
}
