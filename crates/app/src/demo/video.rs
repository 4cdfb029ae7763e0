//! 演示视频资源 — the demo district's cameras, calibrated to 通川区's figures: 1,632 front-end
//! cameras of 雪亮工程, 3,600+ feeds in all over the three networks, 520 of them face-capture or
//! plate-recognition cameras, behind NVRs of 32 channels per township and network. About one NVR
//! in twenty is offline and a few cameras report `OFF`; thirty days of hourly 点亮率 samples give
//! the board its history. Nothing here speaks SIP: the devices count as registered for a day
//! (the GB/T 28181 default), then the sweep marks them offline, as it would real silent ones.

use super::rng::SplitMix64;
use crate::{App, Result};
use chrono::{Duration, Timelike, Utc};
use pingan_domain::video::{CameraCapability, Network, PlaceKind};
use pingan_store::{DeviceSeen, OnlineSample, RegistryChannel, RegistryDevice, VideoStatusRecord};
use std::collections::BTreeMap;

/// Cameras per network, and (face, plate) cameras among them.
const FEEDS: [(Network, usize, usize, usize); 3] = [
    (Network::Xueliang, 1_632, 0, 0),
    (Network::Tianwang, 1_420, 300, 220),
    (Network::Huiyan, 600, 0, 0),
];
/// Channels behind one NVR.
const PER_NVR: usize = 32;
const SEED: u64 = 28_181;
/// Days of simulated 点亮率 history.
const HISTORY_DAYS: i64 = 30;

/// The 20-digit id: centre (district + township number), industry, type, network flag, serial.
fn gb_id(township: usize, network: Network, type_code: u16, serial: usize) -> String {
    let (industry, flag) = match network {
        Network::Xueliang => ("01", 0),
        Network::Tianwang => ("00", 5),
        Network::Huiyan => ("08", 8),
    };
    format!("511702{township:02}{industry}{type_code}{flag}{serial:06}")
}

pub(super) async fn seed(app: &App) -> Result<usize> {
    let grids = app.store.grids_under("").await?;
    if grids.is_empty() {
        return Ok(0);
    }
    let index = app.org().grid_index();
    let mut rng = SplitMix64::new(SEED);
    let now = pingan_domain::audit::to_micros(Utc::now());
    let (mut devices, mut channels) = (Vec::new(), Vec::new());
    let places = PlaceKind::ALL;
    for (network, count, faces, plates) in FEEDS {
        // Cameras spread over the grids in turn; grouped by township behind NVRs.
        let mut by_township: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for i in 0..count {
            let Some(grid) = grids.get((i * 7 + rng.below(3)) % grids.len()) else {
                continue;
            };
            by_township
                .entry(grid.code.get(..9).unwrap_or_default().to_owned())
                .or_default()
                .push(i);
        }
        let mut serial = 0;
        for (t, (_, cams)) in by_township.iter().enumerate() {
            for (n, nvr_cams) in cams.chunks(PER_NVR).enumerate() {
                let device_id = gb_id(t + 1, network, 118, 900 + n);
                devices.push(RegistryDevice {
                    device_id: device_id.clone(),
                    name: Some(format!("{}NVR-{:02}", network.label(), n + 1)),
                    network: network.code().into(),
                    password_sealed: None,
                    at: now,
                });
                for &i in nvr_cams {
                    serial += 1;
                    let Some(grid) = grids.get((i * 7 + rng.below(3)) % grids.len()) else {
                        continue;
                    };
                    let capability = if i < faces {
                        CameraCapability::Face
                    } else if i < faces + plates {
                        CameraCapability::Plate
                    } else {
                        CameraCapability::Normal
                    };
                    let place = (rng.below(10) < 6)
                        .then(|| places.get(rng.below(places.len())).copied())
                        .flatten();
                    let lon = grid.label_lon + (rng.vary(1.0) - 1.0) * 0.0008;
                    let lat = grid.label_lat + (rng.vary(1.0) - 1.0) * 0.0008;
                    let grid_code = index.locate(lon, lat).unwrap_or(&grid.code).to_owned();
                    let what = place.map_or("道路", PlaceKind::label);
                    channels.push(RegistryChannel {
                        channel_id: gb_id(t + 1, network, 132, serial),
                        device_id: device_id.clone(),
                        name: format!("{}{what}{}号", grid.name, serial % 97 + 1),
                        network: network.code().into(),
                        capability: capability.code().into(),
                        place_kind: place.map(|p| p.code().to_owned()),
                        owner: Some(match network {
                            Network::Tianwang => "达州市公安局通川区分局".into(),
                            Network::Xueliang => "通川区委政法委".into(),
                            Network::Huiyan => "通川区综合行政执法局".into(),
                        }),
                        maintainer: Some("四川达州某安防技术有限公司".into()),
                        address: Some(format!("{}内", grid.name)),
                        lon: Some(lon),
                        lat: Some(lat),
                        grid_code: Some(grid_code),
                        // A few cameras report OFF.
                        status: Some(if rng.below(40) == 0 { "OFF" } else { "ON" }.into()),
                        at: now,
                    });
                }
            }
        }
    }
    app.store.upsert_registry(&devices, &channels).await?;

    // Today's state: most NVRs registered and keeping alive, one in twenty silent since some
    // hours ago.
    let mut history = Vec::new();
    for d in &devices {
        let offline = rng.below(20) == 0;
        let since = now
            - Duration::minutes(if offline {
                60 + rng.below(2_000) as i64
            } else {
                0
            });
        let until = now + Duration::days(1);
        // A past outage for one NVR in eight, so the device pages have a history.
        if rng.below(8) == 0 {
            let down = now - Duration::hours(24 + rng.below(24 * 20) as i64);
            for (online, at, reason) in [
                (true, down - Duration::days(3), "register"),
                (false, down, "heartbeat_timeout"),
                (
                    true,
                    down + Duration::minutes(30 + rng.below(300) as i64),
                    "register",
                ),
            ] {
                history.push(VideoStatusRecord {
                    device_id: d.device_id.clone(),
                    online,
                    at,
                    reason: reason.into(),
                });
            }
        }
        app.store
            .device_seen(&DeviceSeen {
                device_id: d.device_id.clone(),
                remote_addr: format!("10.51.{}.{}:5060", rng.below(250) + 1, rng.below(250) + 1),
                transport: "udp".into(),
                at: since,
                registered_until: Some(until),
                offline_at: until,
                reason: "simulated",
                heartbeat: (60, 3),
            })
            .await?;
        if offline {
            app.store
                .devices_offline(since, Some(&d.device_id), "heartbeat_timeout")
                .await?;
        }
    }
    app.store.insert_status_history(&history).await?;
    app.store
        .insert_online_samples(&samples(&channels, &mut rng, now))
        .await?;
    app.video().sample_video_online().await?;
    Ok(channels.len())
}

/// Hourly samples of the past days, per township and network: a rate that climbs from about
/// 90 % to 94 % over the month, dips at night when a few rural links drop, and one township's
/// outage of a few hours ten days ago.
fn samples(
    channels: &[RegistryChannel],
    rng: &mut SplitMix64,
    now: chrono::DateTime<Utc>,
) -> Vec<OnlineSample> {
    let mut counts: BTreeMap<(String, String), i64> = BTreeMap::new();
    for c in channels {
        let township = c
            .grid_code
            .as_deref()
            .and_then(|g| g.get(..9))
            .unwrap_or_default();
        *counts
            .entry((township.to_owned(), c.network.clone()))
            .or_default() += 1;
    }
    let this_hour = super::super::video::hour_of(now);
    let outage_township = counts
        .keys()
        .next()
        .map(|k| k.0.clone())
        .unwrap_or_default();
    let mut out = Vec::new();
    for h in 1..=HISTORY_DAYS * 24 {
        let at = this_hour - Duration::hours(h);
        let trend = 0.94 - 0.04 * h as f64 / (HISTORY_DAYS * 24) as f64;
        let night = if (at + Duration::hours(8)).hour() < 6 {
            0.015
        } else {
            0.0
        };
        for ((township, network), &n) in &counts {
            let outage = township == &outage_township && (240..244).contains(&h);
            let share = if outage {
                0.35
            } else {
                (trend - night) * rng.vary(0.02)
            };
            out.push(OnlineSample {
                at,
                township: township.clone(),
                network: network.clone(),
                channels: n,
                online: ((n as f64 * share.min(1.0)).round() as i64).min(n),
            });
        }
    }
    out
}
