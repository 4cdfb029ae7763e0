//! 演示巡防 — each township's 红袖标 team (its grid workers as members) and 专职巡防队 with a
//! 流动警务车, key roads and a market near its grids, two school gates (护学岗), and the red-armband
//! teams' evening patrols of the last seven days, walked along the first road of their township, so
//! that 巡防 shows coverage with its gaps. Deterministic; only at `district` scale.

use super::events::as_user;
use super::rng::SplitMix64;
use crate::{App, KeySegmentRequest, PatrolTeamRequest, Result, ShiftRequest};
use chrono::{Duration, Utc};
use pingan_domain::patrol::SCHOOL_WINDOWS;
use pingan_domain::time::{beijing_date, beijing_midnight};
use pingan_domain::{OrgCode, OrgLevel, Role, Scope};
use pingan_store::TrackPoint;
use std::collections::HashMap;

const SEED: u64 = 20_261_209;
/// Days of patrol history.
const HISTORY_DAYS: i64 = 7;
/// About 1 m of latitude in degrees.
const M: f64 = 1.0 / 111_195.0;

pub(super) async fn seed(app: &App) -> Result<usize> {
    let district = OrgCode::parse(pingan_domain::division::DISTRICT.0)
        .map_err(|e| crate::AppError::Internal(e.to_string()))?;
    let mut operators = HashMap::new();
    let mut workers: HashMap<String, Vec<(i64, String, String)>> = HashMap::new();
    for u in app
        .store
        .users_in_scope(&Scope::org(district.clone()), 10_000)
        .await?
    {
        match Role::parse(&u.role) {
            Some(Role::Operator) if u.org_code.len() == 9 => {
                operators.insert(u.org_code.clone(), as_user(app, u)?);
            }
            Some(Role::GridWorker) => {
                let township = u.org_code.get(..9).unwrap_or_default().to_owned();
                workers.entry(township).or_default().push((
                    u.id,
                    u.username.clone(),
                    u.org_code.clone(),
                ));
            }
            _ => {}
        }
    }
    let labels = super::events::grid_labels(app).await?;
    let mut rng = SplitMix64::new(SEED);
    let mut made = 0;
    for (township, name) in app.org().units_at(&district, OrgLevel::Township).await? {
        let Some(operator) = operators.get(&township) else {
            continue;
        };
        let mut members = workers.remove(&township).unwrap_or_default();
        members.sort();
        let short = name
            .trim_end_matches("街道")
            .trim_end_matches('镇')
            .trim_end_matches('乡');
        let team = |name: String,
                    kind: &str,
                    headcount: u32,
                    plate: Option<String>,
                    members: Vec<String>| {
            PatrolTeamRequest {
                name,
                level: "township".into(),
                kind: kind.into(),
                org: Some(township.clone()),
                headcount,
                vehicle_plate: plate,
                members,
            }
        };
        let names: Vec<String> = members.iter().take(3).map(|m| m.1.clone()).collect();
        let red = app
            .patrols()
            .add_team(
                operator,
                &team(
                    format!("{short}红袖标巡防队"),
                    "red_armband",
                    20 + rng.below(30) as u32,
                    None,
                    names,
                ),
            )
            .await?;
        let plate = format!("川S·J{:04}", 1000 + rng.below(9000));
        let pro = app
            .patrols()
            .add_team(
                operator,
                &team(
                    format!("{short}专职巡防队"),
                    "patrol_team",
                    6 + rng.below(6) as u32,
                    Some(plate),
                    Vec::new(),
                ),
            )
            .await?;
        // Today's roster: the professionals by day, the red armbands in the evening.
        let today = beijing_date(Utc::now());
        for (team, window, headcount) in [(pro.id, "08:00-12:00", 4), (red.id, "19:00-22:00", 10)] {
            let shift = ShiftRequest {
                day: today,
                window: window.into(),
                headcount,
                members: Vec::new(),
            };
            app.patrols().add_shift(operator, team, &shift).await?;
        }
        made += 4;
        // Key places near the first grids of the township.
        let grids: Vec<(f64, f64)> = members
            .iter()
            .filter_map(|m| labels.get(&m.2).copied())
            .take(3)
            .collect();
        let Some(&(lon, lat)) = grids.first() else {
            continue;
        };
        let east = |p: (f64, f64), m: f64| [p.0 + m * M / p.1.to_radians().cos(), p.1];
        let north = |p: (f64, f64), m: f64| [p.0, p.1 + m * M];
        let segment =
            |name: String, kind: &str, points: Vec<[f64; 2]>, windows: &str| KeySegmentRequest {
                name,
                kind: kind.into(),
                points,
                coord: None,
                radius_m: Some(50),
                windows: Some(windows.into()),
                ..Default::default()
            };
        let road = vec![[lon, lat], east((lon, lat), 450.0)];
        let requests = [
            segment(
                format!("{short}主街"),
                "road",
                road.clone(),
                "07:00-09:00,19:00-22:00",
            ),
            segment(
                format!("{short}农贸市场"),
                "site",
                vec![north((lon, lat), 120.0)],
                "06:00-10:00",
            ),
            segment(
                format!("{short}中心小学校门"),
                "school_gate",
                vec![east((lon, lat), 200.0)],
                SCHOOL_WINDOWS,
            ),
        ];
        for (i, r) in requests.iter().enumerate() {
            // A second road and school gate near the next grid, where there is one.
            if app.patrols().add_segment(operator, r).await.is_ok() {
                made += 1;
            }
            if i == 2
                && let Some(&(lon2, lat2)) = grids.get(1)
            {
                let gate = segment(
                    format!("{short}第二小学校门"),
                    "school_gate",
                    vec![[lon2, lat2]],
                    SCHOOL_WINDOWS,
                );
                if app.patrols().add_segment(operator, &gate).await.is_ok() {
                    made += 1;
                }
            }
        }
        // The red-armband team's evening patrols along the main street, most days of the week.
        let Some(&(walker, _, _)) = members.first() else {
            continue;
        };
        // This morning's 护学岗 at the central school's gate, at most townships, once it is past.
        let morning = beijing_midnight(today) + Duration::minutes(7 * 60 + 35);
        if morning + Duration::minutes(15) <= Utc::now() && rng.below(3) > 0 {
            let gate = east((lon, lat), 200.0);
            let points: Vec<TrackPoint> = (0..16)
                .map(|i| TrackPoint {
                    at: morning + Duration::minutes(i),
                    lon: gate[0],
                    lat: gate[1] + 10.0 * M,
                })
                .collect();
            app.patrols()
                .seed_patrol(&format!("demo-hx-{township}-0"), red.id, walker, &points)
                .await?;
        }
        for back in 1..=HISTORY_DAYS {
            if rng.below(4) == 0 {
                continue;
            }
            let day = today - Duration::days(back);
            let start =
                beijing_midnight(day) + Duration::minutes(19 * 60 + 10 + rng.below(30) as i64);
            let points: Vec<TrackPoint> = (0..90)
                .map(|i| {
                    let along = (i % 45) as f64 * 10.0;
                    let p = east((lon, lat), if i < 45 { along } else { 450.0 - along });
                    TrackPoint {
                        at: start + Duration::seconds(i * 20),
                        lon: p[0],
                        lat: p[1] + 15.0 * M,
                    }
                })
                .collect();
            app.patrols()
                .seed_patrol(
                    &format!("demo-xl-{township}-{back}"),
                    red.id,
                    walker,
                    &points,
                )
                .await?;
        }
    }
    Ok(made)
}
