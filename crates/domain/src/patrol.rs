//! 巡防 — the 四级专群防控 forces (专职: 民警, 辅警, 专职巡防队; 群防群治: 红袖标, 治保会, 平安志愿者),
//! the key roads, sites and school gates (重点路段, 重点部位, 护学岗) with the hours that need cover,
//! and the rules of a patrol's track: which pieces of it count, and which hours they fall in.

use crate::labelled::labelled;
use crate::time::{beijing_date, beijing_midnight};
use chrono::{DateTime, Duration, NaiveDate, Utc};

labelled! {
    /// 力量层级 — 区、乡镇、村、组.
    ForceLevel {
        District = "district", "区级";
        Township = "township", "乡镇级";
        Village = "village", "村级";
        Group = "group", "组级";
    }
}

labelled! {
    /// 力量类别.
    ForceKind {
        Police = "police", "民警";
        Auxiliary = "auxiliary", "辅警";
        PatrolTeam = "patrol_team", "专职巡防队";
        RedArmband = "red_armband", "红袖标志愿者";
        SecurityCommittee = "security_committee", "治保会";
        Volunteer = "volunteer", "平安志愿者";
    }
}

impl ForceKind {
    /// 专职 (paid, full-time) rather than 群防群治.
    pub const fn professional(self) -> bool {
        matches!(self, Self::Police | Self::Auxiliary | Self::PatrolTeam)
    }
}

labelled! {
    /// 重点部位类别.
    SegmentKind {
        /// 重点路段 — a line.
        Road = "road", "重点路段";
        /// 重点部位 — a spot or an area (市场, 广场, 车站).
        Site = "site", "重点部位";
        /// 护学岗 — a school's gate, covered on school days morning and afternoon.
        SchoolGate = "school_gate", "护学岗";
    }
}

/// The longest gap between two positions of a patrol that still makes a piece of track between
/// them: beyond it the phone lost its fix or its signal, and the way between is not known.
pub const PIECE_GAP_SECS: i64 = 120;
/// The most positions in one batch, and in a key segment's shape.
pub const MAX_BATCH_POINTS: usize = 500;
pub const MAX_SHAPE_POINTS: usize = 200;
/// The most cover windows a segment may have.
pub const MAX_WINDOWS: usize = 6;
/// The school-gate windows a 护学岗 has unless set: 上学 and 放学.
pub const SCHOOL_WINDOWS: &str = "07:30-08:30,16:30-17:30";

/// 重点时段 — a daily window of cover, in Beijing time; one that ends at or before it starts runs
/// over midnight into the next day (夜市 19:00–02:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Minutes after midnight.
    pub start: u16,
    pub end: u16,
}

impl Window {
    /// `07:30-08:30` (also with `–`, `~` or `至`).
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bad = || format!("时段“{s}”应写成 07:30-08:30");
        let (a, b) = ["-", "–", "~", "至"]
            .iter()
            .find_map(|sep| s.split_once(sep))
            .ok_or_else(bad)?;
        let minutes = |t: &str| -> Option<u16> {
            let (h, m) = t.trim().split_once(':')?;
            let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
            (h < 24 && m < 60).then_some(h * 60 + m)
        };
        let (start, end) = (minutes(a).ok_or_else(bad)?, minutes(b).ok_or_else(bad)?);
        if start == end {
            return Err(format!("时段“{s}”的开始和结束相同"));
        }
        Ok(Self { start, end })
    }

    /// `07:30-08:30`.
    pub fn label(self) -> String {
        let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        format!("{}-{}", hm(self.start), hm(self.end))
    }

    /// The window of `day`, as instants.
    pub fn on(self, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let midnight = beijing_midnight(day);
        let start = midnight + Duration::minutes(i64::from(self.start));
        let mut end = midnight + Duration::minutes(i64::from(self.end));
        if self.end <= self.start {
            end += Duration::days(1);
        }
        (start, end)
    }
}

/// A segment's windows as typed: `07:30-08:30,16:30-17:30` (commas, `，`, `、` or spaces), 1–6 of them.
pub fn parse_windows(s: &str) -> Result<Vec<Window>, String> {
    let windows: Vec<Window> = s
        .split([',', '，', '、', ';', '；', ' '])
        .filter(|w| !w.trim().is_empty())
        .map(Window::parse)
        .collect::<Result<_, _>>()?;
    if windows.is_empty() || windows.len() > MAX_WINDOWS {
        return Err(format!(
            "重点时段应有 1 到 {MAX_WINDOWS} 个，如 07:30-08:30,16:30-17:30"
        ));
    }
    Ok(windows)
}

/// The windows as stored and shown: `07:30-08:30,16:30-17:30`.
pub fn windows_label(windows: &[Window]) -> String {
    windows
        .iter()
        .map(|w| w.label())
        .collect::<Vec<_>>()
        .join(",")
}

/// The (day, window index) instances that a span of time `[from, to]` touches (a single moment
/// when equal): a piece of track in that span counts for each of them.
pub fn windows_touched(
    windows: &[Window],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(NaiveDate, usize)> {
    let (first, last) = (beijing_date(from).pred_opt(), beijing_date(to));
    let mut out = Vec::new();
    let Some(mut day) = first else {
        return out;
    };
    while day <= last {
        for (i, w) in windows.iter().enumerate() {
            let (start, end) = w.on(day);
            if from < end && to >= start {
                out.push((day, i));
            }
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    out
}

/// A key segment as entered, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentShape {
    pub points: Vec<(f64, f64)>,
    /// An area (three or more points, closed).
    pub closed: bool,
    /// How near a track must come, in metres (10–500).
    pub radius_m: u32,
}

impl SegmentShape {
    /// Checks a shape for a kind: a road needs two points or more, a school gate one spot, a site a
    /// spot or an area; every point in China (WGS-84 longitude 73–136, latitude 3–54).
    pub fn check(
        kind: SegmentKind,
        points: Vec<(f64, f64)>,
        radius_m: u32,
    ) -> Result<Self, String> {
        if points.is_empty() || points.len() > MAX_SHAPE_POINTS {
            return Err(format!("位置应有 1 到 {MAX_SHAPE_POINTS} 个点"));
        }
        if let Some((i, _)) = points
            .iter()
            .enumerate()
            .find(|(_, (lon, lat))| !(73.0..=136.0).contains(lon) || !(3.0..=54.0).contains(lat))
        {
            return Err(format!(
                "第 {} 个点不在中国境内：请按“经度,纬度”填写",
                i + 1
            ));
        }
        if !(10..=500).contains(&radius_m) {
            return Err("覆盖距离应为 10 到 500 米".into());
        }
        let closed = match kind {
            SegmentKind::Road if points.len() < 2 => {
                return Err("重点路段至少要有起点和终点两个点".into());
            }
            SegmentKind::Road => false,
            SegmentKind::SchoolGate if points.len() != 1 => {
                return Err("护学岗填校门的一个点".into());
            }
            SegmentKind::SchoolGate => false,
            SegmentKind::Site if points.len() == 2 => {
                return Err("重点部位填一个点，或围成区域的三个以上的点".into());
            }
            SegmentKind::Site => points.len() >= 3,
        };
        Ok(Self {
            points,
            closed,
            radius_m,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        // Beijing h:m on 2026-12-`day`.
        crate::time::shanghai()
            .with_ymd_and_hms(2026, 12, day, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn windows_parse_and_refuse() {
        let w = parse_windows("07:30-08:30，16:30~17:30").unwrap();
        assert_eq!(
            w[0],
            Window {
                start: 450,
                end: 510
            }
        );
        assert_eq!(windows_label(&w), "07:30-08:30,16:30-17:30");
        assert!(parse_windows("").is_err());
        assert!(parse_windows("7点半").unwrap_err().contains("07:30-08:30"));
        assert!(parse_windows("25:00-26:00").is_err());
        assert!(parse_windows("08:00-08:00").unwrap_err().contains("相同"));
        assert!(
            parse_windows(
                "1:00-2:00,3:00-4:00,5:00-6:00,7:00-8:00,9:00-10:00,11:00-12:00,13:00-14:00"
            )
            .is_err()
        );
    }

    #[test]
    fn a_piece_counts_for_the_windows_it_touches() {
        let w = parse_windows(SCHOOL_WINDOWS).unwrap();
        assert_eq!(
            windows_touched(&w, at(7, 7, 40), at(7, 7, 41)),
            [(day(7), 0)]
        );
        assert!(windows_touched(&w, at(7, 8, 31), at(7, 9, 0)).is_empty());
        assert_eq!(
            windows_touched(&w, at(7, 8, 0), at(7, 17, 0)),
            [(day(7), 0), (day(7), 1)]
        );
        // A night market's window runs into the next day and belongs to the day it starts.
        let night = parse_windows("19:00-02:00").unwrap();
        assert_eq!(
            windows_touched(&night, at(8, 1, 30), at(8, 1, 30)),
            [(day(7), 0)]
        );
        assert_eq!(
            windows_touched(&night, at(8, 19, 30), at(8, 19, 30)),
            [(day(8), 0)]
        );
        assert!(windows_touched(&night, at(8, 3, 0), at(8, 3, 0)).is_empty());
    }

    #[test]
    fn shapes_fit_their_kind() {
        let p = (107.468, 31.209);
        assert!(SegmentShape::check(SegmentKind::Road, vec![p], 50).is_err());
        assert!(SegmentShape::check(SegmentKind::Road, vec![p, (107.47, 31.21)], 50).is_ok());
        assert!(SegmentShape::check(SegmentKind::SchoolGate, vec![p, p], 50).is_err());
        let area = SegmentShape::check(
            SegmentKind::Site,
            vec![p, (107.47, 31.21), (107.47, 31.2)],
            50,
        );
        assert!(area.unwrap().closed);
        assert!(
            SegmentShape::check(SegmentKind::Site, vec![(31.2, 107.4)], 50)
                .unwrap_err()
                .contains("经度,纬度")
        );
        assert!(SegmentShape::check(SegmentKind::Site, vec![p], 5).is_err());
    }

    proptest! {
        /// A moment inside a window's instance touches it, and a moment outside every instance
        /// touches none.
        #[test]
        fn a_moment_touches_exactly_the_windows_it_lies_in(
            start in 0u16..1440, len in 1u16..1439, minute in 0i64..(3 * 1440),
        ) {
            let w = Window { start, end: (start + len) % 1440 };
            prop_assume!(w.start != w.end);
            let t = beijing_midnight(day(6)) + Duration::minutes(minute);
            let touched = windows_touched(&[w], t, t);
            let inside: Vec<(NaiveDate, usize)> = [day(5), day(6), day(7), day(8)]
                .into_iter()
                .filter(|d| { let (s, e) = w.on(*d); t >= s && t < e })
                .map(|d| (d, 0))
                .collect();
            prop_assert_eq!(touched, inside);
        }
    }
}
