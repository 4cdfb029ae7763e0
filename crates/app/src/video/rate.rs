//! 点亮率 — the share of cameras lit, counted per channel (a platform or NVR registers once but
//! carries many cameras): now, per unit one level down and per network; and over time, from the
//! hourly samples every instance takes (one per hour is kept).

use crate::{AppError, CurrentUser, Result};
use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use pingan_domain::video::{Network, PlaceKind};
use pingan_domain::{Capability, OrgCode, OrgLevel};
use std::collections::BTreeMap;

/// 点亮率 of one unit or network.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct OnlineRate {
    /// The unit's org code or the network's code (none for cameras not placed on a grid).
    pub code: Option<String>,
    pub name: String,
    pub channels: i64,
    pub online: i64,
    /// online ÷ channels, 0–1 (0 without channels).
    pub rate: f64,
}

/// The 点亮率 of one day: every hourly sample of the day together.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct DailyRate {
    /// The day in Beijing time.
    #[schema(value_type = String, example = "2026-11-27")]
    pub date: NaiveDate,
    /// Channel-hours sampled and lit that day.
    pub channels: i64,
    pub online: i64,
    pub rate: f64,
    /// The same per network (code, rate).
    pub networks: Vec<(String, f64)>,
}

/// 点亮率 of a unit, of each unit below it and of each network; with `days`, also day by day.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct OnlineRateReport {
    #[serde(flatten)]
    pub total: OnlineRate,
    pub units: Vec<OnlineRate>,
    pub networks: Vec<OnlineRate>,
    /// 重点部位覆盖: every kind of key place, with how many cameras cover it and how many are
    /// lit (none at all shows as 0).
    pub places: Vec<OnlineRate>,
    /// Oldest first; empty unless asked for (district and townships only: samples are kept per
    /// township).
    pub history: Vec<DailyRate>,
}

fn ratio(channels: i64, online: i64) -> f64 {
    if channels == 0 {
        0.0
    } else {
        (online as f64 / channels as f64 * 10_000.0).round() / 10_000.0
    }
}

fn rate(code: Option<String>, name: String, channels: i64, online: i64) -> OnlineRate {
    OnlineRate {
        rate: ratio(channels, online),
        code,
        name,
        channels,
        online,
    }
}

/// Adds `(n, on)` to the entry keyed `key`, creating it with `name` when new.
fn add(
    list: &mut Vec<OnlineRate>,
    key: Option<String>,
    name: impl FnOnce() -> String,
    n: i64,
    on: i64,
) {
    match list.iter_mut().find(|u| u.code == key) {
        Some(u) => {
            *u = rate(
                u.code.take(),
                std::mem::take(&mut u.name),
                u.channels + n,
                u.online + on,
            )
        }
        None => list.push(rate(key, name(), n, on)),
    }
}

/// The most days of history one report gives.
pub const MAX_DAYS: u32 = 366;

impl crate::services::Video<'_> {
    /// 点亮率 now, for `org` (in the user's scope), each unit one level below it and each
    /// network; with `days`, the daily figures of that many days back (today included).
    pub async fn online_rate(
        self,
        user: &CurrentUser,
        org: &OrgCode,
        days: Option<u32>,
    ) -> Result<OnlineRateReport> {
        self.authorize(
            &crate::Actor::user(user.clone(), None),
            Capability::ViewVideo,
            Some(org),
        )?;
        if days.is_some_and(|d| d == 0 || d > MAX_DAYS) {
            return Err(AppError::Invalid(format!("days 应为 1 到 {MAX_DAYS} 天")));
        }
        let district = org.level() == OrgLevel::District;
        let rows = self
            .store
            .channel_online_by_grid(org.as_str(), district)
            .await?;
        let children = self.store.org_children(Some(org.as_str())).await?;
        let name_of = |code: &str| {
            children
                .iter()
                .find(|c| c.code == code)
                .map_or_else(|| code.to_owned(), |c| c.name.clone())
        };
        let child_len = org.level().child().map_or(15, |l| l.code_len());
        let (mut units, mut networks) = (Vec::new(), Vec::new());
        let mut places: Vec<OnlineRate> = PlaceKind::ALL
            .iter()
            .map(|p| rate(Some(p.code().into()), p.label().into(), 0, 0))
            .collect();
        let (mut total, mut up) = (0, 0);
        for row in rows {
            let (grid, network, n, on) = (row.grid_code, row.network, row.channels, row.online);
            if let Some(place) = row.place_kind {
                let label = || place.clone();
                add(&mut places, Some(place.clone()), label, n, on);
            }
            total += n;
            up += on;
            let key = grid
                .as_deref()
                .and_then(|g| g.get(..child_len))
                .map(str::to_owned);
            let name = || key.as_deref().map_or_else(|| "未定位".to_owned(), name_of);
            add(&mut units, key.clone(), name, n, on);
            let label = || network_label(&network);
            add(&mut networks, Some(network.clone()), label, n, on);
        }
        units.sort_by(|a, b| a.code.cmp(&b.code));
        networks.sort_by_key(|n| n.code.as_deref().and_then(Network::parse));
        let unit = self.store.org_unit(org.as_str()).await?;
        let name = unit.map_or_else(|| org.as_str().to_owned(), |u| u.name);
        let history = match days {
            Some(days) if org.level() <= OrgLevel::Township => self.daily_rates(org, days).await?,
            _ => Vec::new(),
        };
        Ok(OnlineRateReport {
            total: rate(Some(org.as_str().into()), name, total, up),
            units,
            networks,
            places,
            history,
        })
    }

    async fn daily_rates(self, org: &OrgCode, days: u32) -> Result<Vec<DailyRate>> {
        let today = pingan_domain::time::beijing_date(Utc::now());
        let first = today - Duration::days(i64::from(days) - 1);
        let since = pingan_domain::time::beijing_midnight(first);
        let samples = self
            .store
            .online_samples(org.as_str(), org.level() == OrgLevel::District, since)
            .await?;
        let mut by_day: BTreeMap<NaiveDate, BTreeMap<String, (i64, i64)>> = BTreeMap::new();
        for (at, network, n, on) in samples {
            let day = by_day
                .entry(pingan_domain::time::beijing_date(at))
                .or_default();
            let e = day.entry(network).or_default();
            e.0 += n;
            e.1 += on;
        }
        Ok(by_day
            .into_iter()
            .map(|(date, nets)| {
                let (n, on) = nets.values().fold((0, 0), |a, v| (a.0 + v.0, a.1 + v.1));
                DailyRate {
                    date,
                    channels: n,
                    online: on,
                    rate: ratio(n, on),
                    networks: nets
                        .into_iter()
                        .map(|(k, v)| (k, ratio(v.0, v.1)))
                        .collect(),
                }
            })
            .collect())
    }

    /// Takes this hour's 点亮率 sample (once per hour across all instances).
    pub async fn sample_video_online(self) -> Result<u64> {
        Ok(self.store.sample_online(hour_of(Utc::now())).await?)
    }
}

/// The start of the hour `t` lies in.
pub(crate) fn hour_of(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_minute(0))
        .unwrap_or(t)
}

/// The Chinese name of a network code (the code itself if unknown).
pub(crate) fn network_label(code: &str) -> String {
    Network::parse(code).map_or_else(|| code.to_owned(), |n| n.label().to_owned())
}
