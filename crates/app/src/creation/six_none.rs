//! "六无" — computed for an area and a year from the hub's own records: the events of the
//! categories that break an item, the clues found true, the collective petitions and the drug
//! users newly enrolled. Each record is named to those who may open it and only counted for others.

use super::{BreachView, SixNoneItemView, SixNoneOverview, SixNoneView, VillageSixNone};
use crate::{AppError, CurrentUser, Result};
use chrono::{Datelike, NaiveDate, Utc};
use pingan_domain::case::{KindSpec, clue::CLUE, event::EVENT, petition::PETITION};
use pingan_domain::creation::{BreachSource, EVENT_STATES_NOT_COUNTED, SixNone, sort_breaches};
use pingan_domain::special_group::SpecialGroup;
use pingan_domain::time::{beijing_date, beijing_midnight};
use pingan_domain::{Capability, OrgCode, OrgLevel};
use pingan_store::{AreaPeriod, AreaRecord};
use std::collections::HashMap;

/// The most records read per source for one area, and for the overview of a whole district.
const AREA_LIMIT: i64 = 200;
const OVERVIEW_LIMIT: i64 = 50_000;

/// A record found, with where it came from.
type Found = (BreachSource, AreaRecord);

/// The first and the last creation year accepted.
pub(super) fn check_year(year: i32) -> Result<i32> {
    let now = beijing_date(Utc::now()).year();
    if (2000..=now + 1).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::Invalid(format!(
            "年度应在 2000 到 {} 之间",
            now + 1
        )))
    }
}

/// The year's first day and the next year's, in Beijing.
fn year_days(year: i32) -> (NaiveDate, NaiveDate) {
    let day = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
    (day(year), day(year + 1))
}

impl crate::services::Creation<'_> {
    /// The "六无" of an area of the user's scope (a township, a village or community, or a grid)
    /// for a year (default: this year).
    pub async fn six_none(
        self,
        user: &CurrentUser,
        org: &str,
        year: Option<i32>,
    ) -> Result<SixNoneView> {
        let area = self.area_asked(user, Some(org))?;
        let year = check_year(year.unwrap_or_else(|| beijing_date(Utc::now()).year()))?;
        self.area_six_none(user, &area, year).await
    }

    /// The "六无" of an area the caller has checked the user may see.
    pub(super) async fn area_six_none(
        self,
        user: &CurrentUser,
        area: &OrgCode,
        year: i32,
    ) -> Result<SixNoneView> {
        let found = self.found(area.as_str(), year, AREA_LIMIT).await?;
        let items: Vec<SixNoneItemView> = sort_breaches(
            found
                .into_iter()
                .filter_map(|(source, r)| source.item(&r.category).map(|i| (i, (source, r)))),
        )
        .into_iter()
        .map(|(item, records)| SixNoneItemView {
            key: item.code().into(),
            label: item.label().into(),
            evidence: item.evidence().into(),
            clean: records.is_empty(),
            breaches: records.into_iter().map(|f| breach_view(user, f)).collect(),
        })
        .collect();
        Ok(SixNoneView {
            org_code: area.as_str().into(),
            area_name: self.area_name(area).await?,
            year,
            clean: items.iter().all(|i| i.clean),
            items,
        })
    }

    /// The "六无" of every village and community under `org` (default: the user's area).
    pub async fn six_none_overview(
        self,
        user: &CurrentUser,
        org: Option<&str>,
        year: Option<i32>,
    ) -> Result<SixNoneOverview> {
        let area = self.area_asked(user, org)?;
        let year = check_year(year.unwrap_or_else(|| beijing_date(Utc::now()).year()))?;
        let mut broken: HashMap<(String, SixNone), usize> = HashMap::new();
        for (source, r) in self.found(area.as_str(), year, OVERVIEW_LIMIT).await? {
            let (Some(item), Some(village)) = (source.item(&r.category), r.org_code.get(..12))
            else {
                continue;
            };
            *broken.entry((village.to_owned(), item)).or_default() += 1;
        }
        let townships: HashMap<String, String> = self
            .org()
            .units_at(
                &area.ancestor_at(OrgLevel::District).unwrap_or(area.clone()),
                OrgLevel::Township,
            )
            .await?
            .into_iter()
            .collect();
        let villages: Vec<VillageSixNone> = self
            .org()
            .units_at(&area, OrgLevel::Village)
            .await?
            .into_iter()
            .map(|(code, name)| {
                let counts: Vec<usize> = SixNone::ALL
                    .iter()
                    .map(|i| broken.get(&(code.clone(), *i)).copied().unwrap_or(0))
                    .collect();
                VillageSixNone {
                    township: code
                        .get(..9)
                        .and_then(|t| townships.get(t))
                        .cloned()
                        .unwrap_or_default(),
                    clean: counts.iter().all(|n| *n == 0),
                    broken: counts,
                    org_code: code,
                    name,
                }
            })
            .collect();
        Ok(SixNoneOverview {
            year,
            org_code: area.as_str().into(),
            items: SixNone::ALL.iter().map(|i| i.label().into()).collect(),
            clean: villages.iter().filter(|v| v.clean).count(),
            villages,
        })
    }

    /// The org code a hub user asked for within their scope (default: their own), after checking
    /// they may see 平安创建.
    pub(super) fn area_asked(self, user: &CurrentUser, org: Option<&str>) -> Result<OrgCode> {
        self.authorize_user(user, Capability::ViewCreation)?;
        self.hub_area(user, org, "平安创建由综治中心组织，部门账号不能查看")
    }

    /// 乡镇 村 names of an area, e.g. 朝阳街道 马房坝社区 (the district's own name for the district).
    pub(super) async fn area_name(self, area: &OrgCode) -> Result<String> {
        let mut names = Vec::new();
        for level in [OrgLevel::Township, OrgLevel::Village, OrgLevel::Grid] {
            if let Some(code) = area.ancestor_at(level)
                && let Some(unit) = self.store.org_unit(code.as_str()).await?
            {
                names.push(unit.name);
            }
        }
        if names.is_empty()
            && let Some(unit) = self.store.org_unit(area.as_str()).await?
        {
            names.push(unit.name);
        }
        Ok(names.join(" "))
    }

    /// Every record of the area and year that breaks an item, from each source.
    async fn found(self, prefix: &str, year: i32, limit: i64) -> Result<Vec<Found>> {
        let (first, next) = year_days(year);
        let period = AreaPeriod {
            prefix: prefix.to_owned(),
            from: beijing_midnight(first),
            to: beijing_midnight(next),
            limit,
        };
        let categories: Vec<&str> = SixNone::ALL
            .iter()
            .filter_map(|i| i.event_category())
            .collect();
        let tagged = |source: BreachSource, rows: Vec<AreaRecord>| {
            rows.into_iter().map(move |r| (source, r))
        };
        let mut found: Vec<Found> = Vec::new();
        found.extend(tagged(
            BreachSource::Event,
            self.store
                .events_of_categories(&categories, &EVENT_STATES_NOT_COUNTED, &period)
                .await?,
        ));
        found.extend(tagged(
            BreachSource::Clue,
            self.store.substantiated_clues(&period).await?,
        ));
        found.extend(tagged(
            BreachSource::Petition,
            self.store.collective_petitions(&period).await?,
        ));
        found.extend(tagged(
            BreachSource::DrugUser,
            self.store
                .enrolments_between(SpecialGroup::DrugUser.code(), prefix, first, next, limit)
                .await?,
        ));
        Ok(found)
    }
}

/// A record as the viewer may see it: a case they may open is named and linked; a clue only to
/// the clue office; an enrolment's date only to those who see special groups.
fn breach_view(user: &CurrentUser, (source, r): Found) -> BreachView {
    let case = |kind: &KindSpec, path: &str, may: bool| {
        may.then(|| {
            (
                Some(crate::cases::case_number(kind, r.id, r.created_at)),
                Some(r.title.clone()),
                Some(format!("/{path}/{}", r.id)),
            )
        })
    };
    let (number, title, href) = match source {
        BreachSource::Event => case(&EVENT, "events", user.can(Capability::ViewCases)),
        BreachSource::Petition => case(&PETITION, "petitions", user.can(Capability::ViewCases)),
        BreachSource::Clue => case(&CLUE, "clues", user.can(Capability::ManageClues)),
        BreachSource::DrugUser => user
            .can(Capability::ViewSpecialGroups)
            .then(|| (None, Some(format!("列管日期 {}", r.title)), None)),
    }
    .unwrap_or((None, None, None));
    BreachView {
        source: source.code().into(),
        source_label: source.label().into(),
        number,
        title,
        href,
        org_code: r.org_code,
        at: r.created_at,
    }
}
