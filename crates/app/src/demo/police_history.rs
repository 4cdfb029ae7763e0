//! 演示公安统计 — the monthly figures the demo district's police stations report, for 2019 and 2020
//! and for last year and this: each year's totals are spread over the townships and months, so that
//! the statistics page computes, for 2020 against 2019, 违法犯罪警情 −4.61 %, 治安案件 −20.51 % and
//! 刑事立案 −22 % (the district's published figures) from the monthly rows themselves.

use super::rng::SplitMix64;
use crate::{App, Result};
use chrono::{Datelike, Utc};
use pingan_domain::OrgLevel;
use pingan_domain::police::PoliceFigure;
use pingan_store::PoliceFigureRow;

const SEED: u64 = 20_190_101;

/// The year's district totals of each figure.
fn totals(year: i32) -> Vec<(PoliceFigure, i64)> {
    use PoliceFigure::*;
    // 2019 and 2020 carry the published changes: 违法犯罪警情 (刑事类 + 治安类) 10,000 → 9,539,
    // 治安案件受理 3,900 → 3,100, 刑事立案 1,500 → 1,170.
    let (criminal, public_order, accepted, filed) = match year {
        2019 => (3_600, 6_400, 3_900, 1_500),
        2020 => (3_400, 6_139, 3_100, 1_170),
        y if y % 2 == 1 => (2_700, 4_800, 2_600, 980),
        _ => (2_550, 4_620, 2_480, 900),
    };
    vec![
        (CriminalAlerts, criminal),
        (PublicOrderAlerts, public_order),
        (DisasterAlerts, 290),
        (TrafficAlerts, 2_380),
        (FireAlerts, 175),
        (DisputeAlerts, 4_100),
        (HelpAlerts, 5_700),
        (ComplaintAlerts, 1_120),
        (OtherAlerts, 890),
        (InvalidAlerts, 8_800),
        (AdminAccepted, accepted),
        (AdminHandled, accepted * 92 / 100),
        (CriminalFiled, filed),
        (CriminalSolved, filed * 62 / 100),
    ]
}

/// `total` split over `weights` in whole numbers that add up to it (largest remainder).
fn split(total: i64, weights: &[u64]) -> Vec<i64> {
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let exact: Vec<(i64, u64)> = weights
        .iter()
        .map(|w| {
            let scaled = i128::from(total) * i128::from(*w);
            let whole = i64::try_from(scaled / i128::from(sum)).unwrap_or(0);
            let rest = u64::try_from(scaled % i128::from(sum)).unwrap_or(0);
            (whole, rest)
        })
        .collect();
    let mut out: Vec<i64> = exact.iter().map(|e| e.0).collect();
    let short = total - out.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(exact.get(*i).map_or(0, |e| e.1)));
    for i in order.into_iter().take(usize::try_from(short).unwrap_or(0)) {
        if let Some(v) = out.get_mut(i) {
            *v += 1;
        }
    }
    out
}

/// Writes the demo's police figures: 2019, 2020, last year, and this year to last month.
pub async fn seed(app: &App) -> Result<usize> {
    let townships: Vec<String> = app
        .store
        .org_units_under("")
        .await?
        .into_iter()
        .filter(|u| u.level == OrgLevel::Township.as_str())
        .map(|u| u.code)
        .collect();
    if townships.is_empty() {
        return Ok(0);
    }
    let mut rng = SplitMix64::new(SEED);
    // The old town's streets report more than the villages' towns.
    let township_weights: Vec<u64> = townships
        .iter()
        .map(|c| {
            let street = c.get(6..7) == Some("0");
            u64::try_from(if street {
                8 + rng.below(5)
            } else {
                2 + rng.below(4)
            })
            .unwrap_or(3)
        })
        .collect();
    let season: [u64; 12] = [95, 80, 95, 100, 100, 105, 110, 110, 100, 100, 95, 110];
    let today = pingan_domain::time::beijing_date(Utc::now());
    let mut rows = Vec::new();
    for year in [2019, 2020, today.year() - 1, today.year()] {
        let months: usize = if year == today.year() {
            usize::try_from(today.month0()).unwrap_or(0)
        } else {
            12
        };
        if months == 0 {
            continue;
        }
        for (figure, total) in totals(year) {
            // This year so far: its share of the year's total.
            let total = total * i64::try_from(months).unwrap_or(12) / 12;
            let cells: Vec<u64> = township_weights
                .iter()
                .flat_map(|t| season.iter().take(months).map(move |m| t * m))
                .collect();
            for (i, value) in split(total, &cells).into_iter().enumerate() {
                let (t, m) = (i / months, i % months + 1);
                if let Some(code) = townships.get(t) {
                    rows.push(PoliceFigureRow {
                        township: code.clone(),
                        month: format!("{year}-{m:02}"),
                        figure: figure.code().into(),
                        value,
                    });
                }
            }
        }
    }
    for chunk in rows.chunks(2_000) {
        app.store
            .put_police_figures(chunk, "演示数据", Utc::now())
            .await?;
    }
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn a_split_adds_up_to_its_total() {
        let parts = split(9_539, &[8, 3, 5, 2, 9, 4]);
        assert_eq!(parts.iter().sum::<i64>(), 9_539);
        assert!(parts.iter().all(|p| *p > 0));
        assert_eq!(split(0, &[1, 2]), vec![0, 0]);
    }
}
