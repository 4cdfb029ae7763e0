//! 巡防 — the 四级专群防控 forces and their teams, the key roads, sites and school gates with the
//! hours that need cover, patrols on the phone (positions in batches, kept offline and sent once,
//! check-ins), and the coverage: each batch's pieces of track are tested against the segments as
//! they arrive (`tracks.rs`), so a month's coverage is read from the cover they gave
//! (`coverage.rs`), with the 护学岗 of a school day.

mod coverage;
mod forces;
mod linkage;
mod shifts;
mod tracks;

use chrono::{DateTime, NaiveDate, Utc};
use pingan_domain::patrol::Window;
use serde::{Deserialize, Serialize};

/// A key segment as the positions are tested against it (parsed once, cached).
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub id: i64,
    pub name: String,
    pub org_code: String,
    pub kind: String,
    pub place_id: Option<i64>,
    pub shape: pingan_geo::Shape,
    pub radius_m: f64,
    pub windows: Vec<Window>,
    /// The first and last days it needs cover (none: every day).
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

impl Segment {
    /// Whether it needs cover on `day` (a festival's site only on the festival's days).
    pub(crate) fn in_season(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| day >= f) && self.valid_to.is_none_or(|t| day <= t)
    }
}

/// 巡防队伍 — a team as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PatrolTeamRequest {
    /// e.g. 朝阳街道红袖标巡防队.
    pub name: String,
    /// `district`, `township`, `village` or `group` (区级, 乡镇级, 村级, 组级).
    pub level: String,
    /// `police` 民警, `auxiliary` 辅警, `patrol_team` 专职巡防队, `red_armband` 红袖标志愿者,
    /// `security_committee` 治保会, `volunteer` 平安志愿者.
    pub kind: String,
    /// The area it patrols (an org code within yours; default your own).
    pub org: Option<String>,
    /// How many people it has (members without an account count too).
    pub headcount: u32,
    /// 流动警务车 or patrol car plate.
    pub vehicle_plate: Option<String>,
    /// The accounts (usernames) that go on patrol with it from their phones.
    #[serde(default)]
    pub members: Vec<String>,
}

/// A team as listed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PatrolTeamView {
    pub id: i64,
    pub name: String,
    pub level: String,
    pub level_label: String,
    pub kind: String,
    pub kind_label: String,
    /// 专职 rather than 群防群治.
    pub professional: bool,
    pub org_code: String,
    pub headcount: i64,
    pub vehicle_plate: Option<String>,
    /// Member accounts.
    pub accounts: i64,
}

/// 重点部位 — a key segment as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct KeySegmentRequest {
    pub name: String,
    /// `road` 重点路段 (a line of two points or more), `site` 重点部位 (a spot, or an area of three or
    /// more) or `school_gate` 护学岗 (the gate's spot).
    pub kind: String,
    /// The points as [longitude, latitude].
    pub points: Vec<[f64; 2]>,
    /// `wgs84` (the default) or `gcj02`.
    pub coord: Option<String>,
    /// How near a track must come, 10–500 m (default 50).
    pub radius_m: Option<u32>,
    /// Daily windows in Beijing time, e.g. `07:30-08:30,16:30-17:30` (a school gate's default).
    pub windows: Option<String>,
    /// The school (场所) of a 护学岗, or the place of a site.
    pub place_id: Option<i64>,
    /// The first and last days it needs cover (a festival, a night market's season); none: every day.
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

/// A key segment as listed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct KeySegmentView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
    /// The grid of its first point.
    pub org_code: String,
    pub place_id: Option<i64>,
    /// WGS-84 [longitude, latitude].
    pub points: Vec<[f64; 2]>,
    pub closed: bool,
    pub radius_m: i64,
    pub windows: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    /// What the QR code at the spot holds, for 扫码签到 (those who keep the segments see it).
    pub checkin_code: Option<String>,
}

/// Starting a patrol.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PatrolStart {
    /// Made on the phone; a start sent twice makes one patrol.
    pub client_id: String,
    pub team_id: i64,
}

/// 巡逻 — a patrol as listed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PatrolView {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub user_id: i64,
    pub org_code: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// The last position, WGS-84 [longitude, latitude].
    pub last: Option<[f64; 2]>,
    pub last_at: Option<DateTime<Utc>>,
    pub positions: i64,
    pub active: bool,
}

/// A batch of positions from the phone.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PositionBatch {
    /// Made on the phone per batch: a batch sent again (after a lost answer) is taken once.
    pub client_id: String,
    /// `wgs84` (the default) or `gcj02`.
    pub coord: Option<String>,
    pub positions: Vec<PositionEntry>,
}

/// One position.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
pub struct PositionEntry {
    pub at: DateTime<Utc>,
    pub lon: f64,
    pub lat: f64,
}

/// What a batch did.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BatchOutcome {
    /// Positions new to the patrol.
    pub received: u64,
    /// The batch had been received before: nothing was written again.
    pub duplicate: bool,
    /// The segments and windows this batch covered (名称 and 时段).
    pub covered: Vec<String>,
    /// The events the hub sent this patrol to that it has not reached yet.
    pub tasks: Vec<DispatchTask>,
}

/// 派警任务 — an event a patrol was sent to, as its phone shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DispatchTask {
    pub event_id: i64,
    /// The event's place (WGS-84).
    pub lon: f64,
    pub lat: f64,
    /// From the batch's last position.
    pub distance_m: Option<i64>,
}

/// 联勤联动 — a patrol sent to an event.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DispatchView {
    pub id: i64,
    pub event_id: i64,
    pub patrol_id: i64,
    pub team_name: String,
    /// From the patrol's last position when it was sent.
    pub distance_m: i64,
    pub dispatched_at: DateTime<Utc>,
    /// Its first position within 100 m of the event.
    pub arrived_at: Option<DateTime<Utc>>,
    /// Minutes from sending to arrival.
    pub minutes: Option<i64>,
}

/// A check-in at a key segment.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CheckinRequest {
    pub segment_id: i64,
    /// Where the phone is (required without a code).
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub coord: Option<String>,
    /// The code of the QR at the spot (扫码签到).
    pub code: Option<String>,
}

/// 覆盖情况 — a period's cover of the key segments of an area.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CoverageView {
    pub org_code: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Windows that needed cover, and those a track covered.
    pub slots: usize,
    pub covered: usize,
    /// Covered / slots in percent, one decimal; none without slots.
    pub rate: Option<f64>,
    pub segments: Vec<SegmentCoverage>,
}

/// One segment's cover in the period.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SegmentCoverage {
    pub id: i64,
    pub name: String,
    pub kind_label: String,
    pub windows: String,
    pub slots: usize,
    pub covered: usize,
    pub rate: Option<f64>,
    /// The teams whose tracks covered it.
    pub teams: Vec<String>,
    /// The windows nobody covered (day and window), the latest 31.
    pub gaps: Vec<String>,
}

/// 护学岗 — the school gates of an area on a day.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SchoolPostsView {
    pub date: NaiveDate,
    /// Whether it is a school day (a working day of the calendar).
    pub school_day: bool,
    pub posts: Vec<SchoolPost>,
    /// Posts whose window has started with nobody there.
    pub late: usize,
}

/// One school gate's posts of the day.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SchoolPost {
    pub segment_id: i64,
    pub name: String,
    pub org_code: String,
    pub place_id: Option<i64>,
    pub slots: Vec<PostSlot>,
}

/// A post's window on the day and how it stands.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PostSlot {
    pub window: String,
    /// `covered` 已到岗, `waiting` 未开始, `late` 未到岗 (started, nobody: yellow), `missed` 缺岗.
    pub state: String,
    pub state_label: String,
    pub teams: Vec<String>,
    pub first_at: Option<DateTime<Utc>>,
}

/// A check-in as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CheckinOutcome {
    pub segment_id: i64,
    pub segment_name: String,
    /// `qr` (扫码) or `near` (by position).
    pub method: String,
    /// How far the phone was, when it sent its position.
    pub distance_m: Option<f64>,
    pub at: DateTime<Utc>,
}

/// A patrol's track: WGS-84 [longitude, latitude] with the time of each.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TrackView {
    pub patrol: PatrolView,
    pub points: Vec<[f64; 2]>,
    pub times: Vec<DateTime<Utc>>,
}

/// 排班 — putting a team on a shift.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ShiftRequest {
    /// Today or a day within two months.
    pub day: NaiveDate,
    /// The window in Beijing time, e.g. `19:00-22:00`.
    pub window: String,
    /// How many go out (1–500).
    pub headcount: u32,
    /// The member accounts (usernames) on the shift.
    #[serde(default)]
    pub members: Vec<String>,
}

/// A shift and whether it was kept.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ShiftView {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub day: NaiveDate,
    pub window: String,
    pub headcount: i64,
    /// Member accounts on it.
    pub accounts: usize,
    /// `kept` 已出勤 (a patrol of the team ran in the window), `waiting` 未开始, `late` 未出勤
    /// (begun, nobody out), `missed` 缺勤.
    pub state: String,
    pub state_label: String,
}
