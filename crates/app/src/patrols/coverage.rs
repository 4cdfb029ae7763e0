//! 覆盖 — which key segments' windows the tracks covered in a period, by whom, and the gaps; and the
//! 护学岗 of a day, where a gate nobody reached by its start turns yellow.

use super::{CoverageView, PostSlot, SchoolPost, SchoolPostsView, Segment, SegmentCoverage};
use crate::{AppError, CurrentUser, Result};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use pingan_domain::Capability;
use pingan_domain::calendar::WorkCalendar;
use pingan_domain::patrol::SegmentKind;
use pingan_domain::time::beijing_date;
use pingan_store::CoverRecord;
use std::collections::{BTreeSet, HashMap};

/// The longest period one coverage answer spans.
const MAX_DAYS: i64 = 92;
/// The gaps listed per segment.
const GAPS_SHOWN: usize = 31;

/// Covered windows by (segment, day, window): the teams and the first time.
type Covered = HashMap<(i64, NaiveDate, i64), (Vec<i64>, DateTime<Utc>)>;

impl crate::services::Patrols<'_> {
    /// The cover of the key segments of the user's area (or `org`) from `from` to `to` (default:
    /// this month so far): windows not yet begun are not counted, a school gate only on school days.
    pub async fn coverage(
        self,
        user: &CurrentUser,
        org: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<CoverageView> {
        self.authorize_user(user, Capability::ViewPatrols)?;
        let area = self.area_of(user, org)?;
        let today = beijing_date(Utc::now());
        let to = to.unwrap_or(today);
        let from = from.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
        if from > to || (to - from).num_days() >= MAX_DAYS {
            return Err(AppError::Invalid(format!(
                "统计区间应从 from 到 to（含），不超过 {MAX_DAYS} 天"
            )));
        }
        let segments = self.segments_under(area.as_str()).await?;
        let calendar = self.org().work_calendar().await?;
        let covered = covered(self.store.segment_covers(area.as_str(), from, to).await?);
        let names = self.team_names().await?;
        let now = Utc::now();
        let mut rows = Vec::with_capacity(segments.len());
        for s in segments.iter() {
            let mut slots = 0;
            let mut hits = 0;
            let mut teams = BTreeSet::new();
            let mut gaps = Vec::new();
            let mut day = from;
            while day <= to {
                if counts_on(s, &calendar, day) {
                    for (i, w) in s.windows.iter().enumerate() {
                        if w.on(day).0 > now {
                            continue;
                        }
                        slots += 1;
                        match covered.get(&(s.id, day, i as i64)) {
                            Some((by, _)) => {
                                hits += 1;
                                teams.extend(by.iter().filter_map(|t| names.get(t).cloned()));
                            }
                            None => gaps.push(format!("{} {}", day.format("%m月%d日"), w.label())),
                        }
                    }
                }
                let Some(next) = day.succ_opt() else { break };
                day = next;
            }
            let shown = gaps.len().saturating_sub(GAPS_SHOWN);
            rows.push(SegmentCoverage {
                id: s.id,
                name: s.name.clone(),
                kind_label: SegmentKind::parse(&s.kind)
                    .map_or_else(|| s.kind.clone(), |k| k.label().into()),
                windows: pingan_domain::patrol::windows_label(&s.windows),
                slots,
                covered: hits,
                rate: rate(hits, slots),
                teams: teams.into_iter().collect(),
                gaps: gaps.split_off(shown).into_iter().rev().collect(),
            });
        }
        let (slots, hits) = rows
            .iter()
            .fold((0, 0), |(a, b), r| (a + r.slots, b + r.covered));
        Ok(CoverageView {
            org_code: area.as_str().into(),
            from,
            to,
            slots,
            covered: hits,
            rate: rate(hits, slots),
            segments: rows,
        })
    }

    /// The 护学岗 of the user's area (or `org`) on `date` (default today).
    pub async fn school_posts(
        self,
        user: &CurrentUser,
        org: Option<&str>,
        date: Option<NaiveDate>,
    ) -> Result<SchoolPostsView> {
        self.authorize_user(user, Capability::ViewPatrols)?;
        let area = self.area_of(user, org)?;
        let date = date.unwrap_or_else(|| beijing_date(Utc::now()));
        let school_day = self.org().work_calendar().await?.is_workday(date);
        let covered = covered(self.store.segment_covers(area.as_str(), date, date).await?);
        let names = self.team_names().await?;
        let now = Utc::now();
        let mut late = 0;
        let posts = self
            .segments_under(area.as_str())
            .await?
            .iter()
            .filter(|s| s.kind == SegmentKind::SchoolGate.code() && s.in_season(date))
            .map(|s| SchoolPost {
                segment_id: s.id,
                name: s.name.clone(),
                org_code: s.org_code.clone(),
                place_id: s.place_id,
                slots: s
                    .windows
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        let (start, end) = w.on(date);
                        let hit = covered.get(&(s.id, date, i as i64));
                        let state = match hit {
                            _ if !school_day => "no_school",
                            Some(_) => "covered",
                            None if now < start => "waiting",
                            None if now < end => "late",
                            None => "missed",
                        };
                        if state == "late" {
                            late += 1;
                        }
                        PostSlot {
                            window: w.label(),
                            state: state.into(),
                            state_label: match state {
                                "no_school" => "非上学日",
                                "covered" => "已到岗",
                                "waiting" => "未开始",
                                "late" => "未到岗",
                                _ => "缺岗",
                            }
                            .into(),
                            teams: hit
                                .map(|(by, _)| {
                                    by.iter().filter_map(|t| names.get(t).cloned()).collect()
                                })
                                .unwrap_or_default(),
                            first_at: hit.map(|(_, at)| *at),
                        }
                    })
                    .collect(),
            })
            .collect();
        Ok(SchoolPostsView {
            date,
            school_day,
            posts,
            late,
        })
    }

    /// The active segments under a prefix, parsed (from the district's cached list).
    async fn segments_under(self, prefix: &str) -> Result<Vec<Segment>> {
        Ok(self
            .all_segments()
            .await?
            .iter()
            .filter(|s| s.org_code.starts_with(prefix))
            .cloned()
            .collect())
    }

    /// Every team's name by id.
    async fn team_names(self) -> Result<HashMap<i64, String>> {
        Ok(self
            .store
            .patrol_teams(pingan_domain::division::DISTRICT.0)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect())
    }
}

/// Whether a segment needs cover on a day: every day of its season, a school gate on school days.
fn counts_on(s: &Segment, calendar: &WorkCalendar, day: NaiveDate) -> bool {
    s.in_season(day) && (s.kind != SegmentKind::SchoolGate.code() || calendar.is_workday(day))
}

fn covered(rows: Vec<CoverRecord>) -> Covered {
    let mut out: Covered = HashMap::new();
    for c in rows {
        let e = out
            .entry((c.segment_id, c.day, c.slot))
            .or_insert((Vec::new(), c.first_at));
        e.0.push(c.team_id);
        e.1 = e.1.min(c.first_at);
    }
    out
}

fn rate(hits: usize, slots: usize) -> Option<f64> {
    (slots > 0).then(|| (hits as f64 * 1000.0 / slots as f64).round() / 10.0)
}
