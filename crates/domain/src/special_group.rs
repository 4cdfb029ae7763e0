//! 特殊人群 and 重点青少年 (GB/T 31000-2015 §1.4–1.5), and the rules of visiting them (入户走访): how
//! often each group is visited, when a visit falls due, and what a visit record must hold.

use crate::labelled::labelled;
use crate::role::Capability;
use chrono::{DateTime, Duration, NaiveDate, Utc};

labelled! {
    /// 特殊人群类别 — the five groups of §1.4 in the standard's order 01–05, and 重点青少年 (§1.5).
    SpecialGroup {
        /// 01 刑满释放人员.
        Released = "released", "刑满释放人员";
        /// 02 社区矫正人员.
        Correction = "correction", "社区矫正人员";
        /// 03 严重精神障碍患者.
        MentalDisorder = "mental_disorder", "严重精神障碍患者";
        /// 04 吸毒人员.
        DrugUser = "drug_user", "吸毒人员";
        /// 05 艾滋病危险人员.
        AidsRisk = "aids_risk", "艾滋病危险人员";
        /// 重点青少年 (§1.5) — minors among them: seen only with their own permission.
        KeyYouth = "key_youth", "重点青少年";
    }
}

impl SpecialGroup {
    /// The permission that shows this group at all: 重点青少年 has its own.
    pub const fn capability(self) -> Capability {
        match self {
            SpecialGroup::KeyYouth => Capability::ViewKeyYouth,
            _ => Capability::ViewSpecialGroups,
        }
    }
}

/// The highest 危险性评估等级 (0–5, per the 严重精神障碍管理治疗工作规范; ≥ 3 is 重点关注).
pub const MAX_RISK_LEVEL: i16 = 5;

/// 走访频次 — one rule: members of `group` at risk level `min_risk` or above are visited every
/// `every_days` days. The rule with the highest `min_risk` not above a member's level applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitPolicy {
    pub group: SpecialGroup,
    pub min_risk: i16,
    pub every_days: u32,
}

/// The rules a new installation starts with (changed by a commander): monthly for those under
/// supervision or at risk level 3 and above, quarterly for the others.
pub const DEFAULT_VISIT_POLICIES: [VisitPolicy; 7] = [
    VisitPolicy {
        group: SpecialGroup::Released,
        min_risk: 0,
        every_days: 90,
    },
    VisitPolicy {
        group: SpecialGroup::Correction,
        min_risk: 0,
        every_days: 30,
    },
    VisitPolicy {
        group: SpecialGroup::MentalDisorder,
        min_risk: 0,
        every_days: 90,
    },
    VisitPolicy {
        group: SpecialGroup::MentalDisorder,
        min_risk: 3,
        every_days: 30,
    },
    VisitPolicy {
        group: SpecialGroup::DrugUser,
        min_risk: 0,
        every_days: 30,
    },
    VisitPolicy {
        group: SpecialGroup::AidsRisk,
        min_risk: 0,
        every_days: 90,
    },
    VisitPolicy {
        group: SpecialGroup::KeyYouth,
        min_risk: 0,
        every_days: 60,
    },
];

/// The days between visits for a member of `group` at `risk` (no level counts as 0), or `None`
/// when no rule covers the group (it is then never due).
pub fn visit_interval(
    policies: &[VisitPolicy],
    group: SpecialGroup,
    risk: Option<i16>,
) -> Option<u32> {
    let risk = risk.unwrap_or(0);
    policies
        .iter()
        .filter(|p| p.group == group && p.min_risk <= risk)
        .max_by_key(|p| p.min_risk)
        .map(|p| p.every_days)
}

/// How soon a visit is due counts as 即将到期.
pub const DUE_SOON_DAYS: i64 = 7;

labelled! {
    /// 走访状态 — where a member stands against their visiting rule (in this order).
    VisitState {
        /// 已逾期 — the due date has passed.
        Overdue = "overdue", "已逾期";
        /// 即将到期 — due within [`DUE_SOON_DAYS`].
        DueSoon = "due_soon", "即将到期";
        /// 正常.
        OnTime = "on_time", "正常";
    }
}

/// The date the next visit is due: `every_days` after the last visit, or after enrolment when
/// the member was never visited.
pub fn next_visit_due(
    enrolled_on: NaiveDate,
    last_visit: Option<NaiveDate>,
    every_days: u32,
) -> NaiveDate {
    let from = last_visit.map_or(enrolled_on, |v| v.max(enrolled_on));
    from + Duration::days(i64::from(every_days))
}

/// Where a visit due on `due` stands on `today`.
pub fn visit_state(due: NaiveDate, today: NaiveDate) -> VisitState {
    if due < today {
        VisitState::Overdue
    } else if (due - today).num_days() <= DUE_SOON_DAYS {
        VisitState::DueSoon
    } else {
        VisitState::OnTime
    }
}

/// The column names of a visit, as forms and messages say them.
pub mod visit_field {
    pub const VISITED_AT: &str = "走访时间";
    pub const POINT: &str = "定位";
    pub const NOTES: &str = "走访情况";
    pub const TEMPERATURE: &str = "体温";
    pub const SYMPTOMS: &str = "症状";
}

/// How late a visit kept on a phone without signal may still be sent.
pub const VISIT_LATE_DAYS: i64 = 30;

/// 走访记录 as entered on the phone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VisitInput {
    pub visited_at: Option<DateTime<Utc>>,
    /// WGS-84 latitude and longitude from the phone, if it had a fix.
    pub point: Option<(f64, f64)>,
    pub notes: String,
    /// 体温 in °C, for epidemic periods.
    pub temperature: Option<f64>,
    /// 症状 (发热, 咳嗽 …), free text.
    pub symptoms: String,
}

/// A visit whose fields passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidVisit {
    pub visited_at: DateTime<Utc>,
    pub point: Option<(f64, f64)>,
    pub notes: String,
    pub temperature: Option<f64>,
    pub symptoms: Option<String>,
}

impl VisitInput {
    /// Checks every field against `now`; the refusals name the field and say what is wrong.
    /// `in_area` tells whether a point lies where visits can happen (the caller's map).
    pub fn validate(
        &self,
        now: DateTime<Utc>,
        in_area: impl Fn(f64, f64) -> bool,
    ) -> Result<ValidVisit, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let visited_at = self.visited_at.unwrap_or(now);
        if visited_at > now + Duration::minutes(10) {
            errors.push((visit_field::VISITED_AT, "走访时间不能晚于现在".to_owned()));
        } else if visited_at < now - Duration::days(VISIT_LATE_DAYS) {
            errors.push((
                visit_field::VISITED_AT,
                format!("只能补录 {VISIT_LATE_DAYS} 天内的走访"),
            ));
        }
        if let Some((lat, lon)) = self.point
            && (!lat.is_finite() || !lon.is_finite() || !in_area(lon, lat))
        {
            errors.push((
                visit_field::POINT,
                "定位不在中国境内，请重新定位".to_owned(),
            ));
        }
        let notes = self.notes.trim();
        let count = notes.chars().count();
        if !(2..=1000).contains(&count) {
            errors.push((
                visit_field::NOTES,
                "请填写走访情况（2 到 1000 个字），如“本人在家，情绪稳定，按时服药”".to_owned(),
            ));
        }
        if let Some(t) = self.temperature
            && !(34.0..=43.0).contains(&t)
        {
            errors.push((
                visit_field::TEMPERATURE,
                "体温应在 34.0 到 43.0 ℃ 之间".to_owned(),
            ));
        }
        let symptoms = self.symptoms.trim();
        if symptoms.chars().count() > 200 {
            errors.push((visit_field::SYMPTOMS, "症状最多 200 个字".to_owned()));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ValidVisit {
            visited_at,
            point: self.point,
            notes: notes.to_owned(),
            temperature: self.temperature.map(|t| (t * 10.0).round() / 10.0),
            symptoms: (!symptoms.is_empty()).then(|| symptoms.to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_highest_rule_not_above_the_level_applies() {
        let p = &DEFAULT_VISIT_POLICIES;
        assert_eq!(
            visit_interval(p, SpecialGroup::MentalDisorder, Some(3)),
            Some(30)
        );
        assert_eq!(
            visit_interval(p, SpecialGroup::MentalDisorder, Some(5)),
            Some(30)
        );
        assert_eq!(
            visit_interval(p, SpecialGroup::MentalDisorder, Some(2)),
            Some(90)
        );
        assert_eq!(
            visit_interval(p, SpecialGroup::MentalDisorder, None),
            Some(90)
        );
        assert_eq!(visit_interval(p, SpecialGroup::Correction, None), Some(30));
        let only_high = [VisitPolicy {
            group: SpecialGroup::Released,
            min_risk: 3,
            every_days: 7,
        }];
        assert_eq!(
            visit_interval(&only_high, SpecialGroup::Released, Some(1)),
            None
        );
        assert_eq!(
            visit_interval(&only_high, SpecialGroup::DrugUser, Some(4)),
            None
        );
    }

    #[test]
    fn due_dates_count_from_the_last_visit_or_enrolment() {
        let enrolled = day(2026, 10, 1);
        assert_eq!(next_visit_due(enrolled, None, 30), day(2026, 10, 31));
        assert_eq!(
            next_visit_due(enrolled, Some(day(2026, 11, 20)), 30),
            day(2026, 12, 20)
        );
        // A visit recorded before a re-enrolment does not count for it.
        assert_eq!(
            next_visit_due(enrolled, Some(day(2026, 9, 1)), 30),
            day(2026, 10, 31)
        );
        let today = day(2026, 11, 28);
        assert_eq!(visit_state(day(2026, 11, 27), today), VisitState::Overdue);
        assert_eq!(visit_state(today, today), VisitState::DueSoon);
        assert_eq!(visit_state(day(2026, 12, 5), today), VisitState::DueSoon);
        assert_eq!(visit_state(day(2026, 12, 6), today), VisitState::OnTime);
    }

    #[test]
    fn a_query_parameter_is_blank_known_or_refused_with_the_list() {
        assert_eq!(VisitState::parse_param(None, "state"), Ok(None));
        assert_eq!(VisitState::parse_param(Some("  "), "state"), Ok(None));
        assert_eq!(
            VisitState::parse_param(Some(" 已逾期 "), "state"),
            Ok(Some(VisitState::Overdue))
        );
        assert_eq!(
            VisitState::parse_param(Some("late"), "state"),
            Err("state 应为 已逾期、即将到期、正常 之一".to_owned())
        );
    }

    #[test]
    fn group_permissions_keep_minors_apart() {
        assert_eq!(
            SpecialGroup::KeyYouth.capability(),
            Capability::ViewKeyYouth
        );
        for g in &SpecialGroup::ALL[..5] {
            assert_eq!(g.capability(), Capability::ViewSpecialGroups);
        }
        assert_eq!(
            SpecialGroup::parse("严重精神障碍患者"),
            Some(SpecialGroup::MentalDisorder)
        );
    }

    #[test]
    fn a_visit_is_checked_field_by_field() {
        let now = "2026-11-28T06:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let anywhere = |_: f64, _: f64| true;
        let good = VisitInput {
            notes: "本人在家，情绪稳定".into(),
            temperature: Some(36.54),
            point: Some((31.21, 107.47)),
            ..Default::default()
        };
        let v = good.validate(now, anywhere).unwrap();
        assert_eq!(v.visited_at, now);
        assert_eq!(v.temperature, Some(36.5));
        assert_eq!(v.symptoms, None);
        let bad = VisitInput {
            visited_at: Some(now + Duration::hours(1)),
            notes: "好".into(),
            temperature: Some(45.0),
            point: Some((0.0, 0.0)),
            symptoms: "咳".repeat(201),
        };
        let errors = bad.validate(now, |_, lat| lat > 1.0).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                visit_field::VISITED_AT,
                visit_field::POINT,
                visit_field::NOTES,
                visit_field::TEMPERATURE,
                visit_field::SYMPTOMS
            ]
        );
        let late = VisitInput {
            visited_at: Some(now - Duration::days(31)),
            ..good
        };
        assert!(late.validate(now, anywhere).is_err());
    }

    proptest! {
        #[test]
        fn the_due_date_is_never_before_enrolment_plus_interval_and_states_are_ordered(
            enrolled in 0i64..3000, visit in proptest::option::of(0i64..3000), every in 1u32..400, today in 0i64..4000
        ) {
            let base = day(2020, 1, 1);
            let enrolled = base + Duration::days(enrolled);
            let last = visit.map(|v| base + Duration::days(v));
            let due = next_visit_due(enrolled, last, every);
            prop_assert!(due >= enrolled + Duration::days(i64::from(every)));
            if let Some(l) = last {
                prop_assert!(due >= l + Duration::days(i64::from(every)));
            }
            let today = base + Duration::days(today);
            let state = visit_state(due, today);
            prop_assert_eq!(state == VisitState::Overdue, due < today);
            // A visit today never leaves a member overdue.
            let later = next_visit_due(enrolled, Some(today), every);
            prop_assert_ne!(visit_state(later, today), VisitState::Overdue);
        }
    }
}
