//! 巡防: a team and its key segments, a patrol on the phone with hand-made tracks (near and far, in
//! and out of the hours), batches taken once, check-ins by position and by QR code, the coverage
//! with its gaps, the 护学岗 of the day, and the refusals.

use crate::disputes::{get, post};
use crate::events::Hub;
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// About 1 m of latitude in degrees.
const M: f64 = 1.0 / 111_195.0;

/// A point `north` metres north and `east` metres east of `p`.
fn off(p: (f64, f64), east: f64, north: f64) -> [f64; 2] {
    [p.0 + east * M / p.1.to_radians().cos(), p.1 + north * M]
}

/// A daily window around now in Beijing time, `from` and `to` minutes from now.
fn window(from: i64, to: i64) -> String {
    let bj = |m: i64| {
        (Utc::now() + Duration::minutes(m))
            .with_timezone(&pingan_domain::time::shanghai())
            .format("%H:%M")
            .to_string()
    };
    format!("{}-{}", bj(from), bj(to))
}

/// A walk east along `north` metres north of the grid's point, one position every 5 s ending now.
fn walk(h: &Hub, north: f64, n: usize) -> Vec<Value> {
    let now = Utc::now();
    (0..n)
        .map(|i| {
            let p = off(h.point, i as f64 * 25.0, north);
            let at = now - Duration::seconds(5 * (n - 1 - i) as i64);
            json!({"at": at, "lon": p[0], "lat": p[1]})
        })
        .collect()
}

struct Patrol {
    h: Hub,
    team: i64,
    road: i64,
    far_road: i64,
    later: i64,
    patrol: i64,
}

impl Patrol {
    async fn new() -> Self {
        let h = Hub::new().await;
        let op = h.tokens.operator.clone();
        let worker = h.worker.user.as_ref().unwrap().username.clone();
        let (status, team) = post(
            &h,
            "/api/v1/patrol-teams",
            &op,
            &json!({"name": "红袖标巡防一队", "level": "village", "kind": "red_armband",
                    "org": &h.grid[..12], "headcount": 12, "members": [worker]}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{team}");
        assert_eq!(team["professional"], false);
        assert_eq!(team["accounts"], 1);
        let segment = |name: &str, kind: &str, points: Vec<[f64; 2]>, windows: String| json!({"name": name, "kind": kind, "points": points, "windows": windows, "radius_m": 50});
        let p = h.point;
        let mut ids = Vec::new();
        for body in [
            segment(
                "西外大街",
                "road",
                vec![off(p, 0.0, 0.0), off(p, 400.0, 0.0)],
                window(-30, 30),
            ),
            segment(
                "滨河路",
                "road",
                vec![off(p, 0.0, 300.0), off(p, 400.0, 300.0)],
                window(-30, 30),
            ),
            segment("夜市", "site", vec![off(p, 100.0, 0.0)], window(120, 180)),
        ] {
            let (status, s) = post(&h, "/api/v1/key-segments", &op, &body).await;
            assert_eq!(status, StatusCode::CREATED, "{s}");
            ids.push(s["id"].as_i64().unwrap());
        }
        let (status, patrol) = post(
            &h,
            "/api/v1/patrols",
            &h.tokens.worker,
            &json!({"client_id": "patrol-0000-0001", "team_id": team["id"]}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{patrol}");
        Self {
            team: team["id"].as_i64().unwrap(),
            road: ids[0],
            far_road: ids[1],
            later: ids[2],
            patrol: patrol["id"].as_i64().unwrap(),
            h,
        }
    }

    async fn send(&self, client_id: &str, positions: Vec<Value>) -> (StatusCode, Value) {
        post(
            &self.h,
            &format!("/api/v1/patrols/{}/positions", self.patrol),
            &self.h.tokens.worker,
            &json!({"client_id": client_id, "positions": positions}),
        )
        .await
    }
}

#[tokio::test]
async fn a_patrol_covers_what_its_track_came_near_in_the_hours() {
    let t = Patrol::new().await;
    let h = &t.h;
    // The same start again is the same patrol.
    let (_, again) = post(
        h,
        "/api/v1/patrols",
        &h.tokens.worker,
        &json!({"client_id": "patrol-0000-0001", "team_id": t.team}),
    )
    .await;
    assert_eq!(again["id"], t.patrol);

    // 30 m north of 西外大街: within its 50 m, in its hours. 滨河路 is 270 m away; 夜市 is near
    // but its hours have not come.
    let (status, got) = t.send("batch-0000-0001", walk(h, 30.0, 6)).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got["received"], 6);
    assert_eq!(got["duplicate"], false);
    let covered: Vec<&str> = got["covered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(covered.len(), 1, "{got}");
    assert!(covered[0].starts_with("西外大街 "), "{got}");
    // Sent again (the answer was lost): taken once.
    let (_, twice) = t.send("batch-0000-0001", walk(h, 30.0, 6)).await;
    assert_eq!(twice["duplicate"], true);
    assert_eq!(twice["received"], 0);
    // 120 m north: near neither road.
    // 120 m north: near neither road — though the piece joining it to the walk before still
    // crosses 西外大街's radius, as the way between was walked.
    let (_, far) = t.send("batch-0000-0002", walk(h, 120.0, 3)).await;
    let far = far["covered"].to_string();
    assert!(!far.contains("滨河路") && !far.contains("夜市"), "{far}");

    let today = pingan_domain::time::beijing_date(Utc::now());
    let from = today.pred_opt().unwrap();
    let path = format!(
        "/api/v1/patrols/coverage?org={}&from={from}&to={today}",
        &h.grid[..12]
    );
    let (status, cov) = get(h, &path, &h.tokens.operator).await;
    assert_eq!(status, StatusCode::OK, "{cov}");
    let seg = |id: i64| {
        cov["segments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    let road = seg(t.road);
    // Yesterday's window went uncovered; today's was walked.
    assert_eq!(road["covered"], 1, "{road}");
    let gaps = road["gaps"].as_array().unwrap().len();
    assert_eq!(gaps as u64, road["slots"].as_u64().unwrap() - 1);
    assert_eq!(road["teams"], json!(["红袖标巡防一队"]));
    let far_road = seg(t.far_road);
    assert_eq!(far_road["covered"], 0);
    assert!(far_road["slots"].as_u64().unwrap() >= 1);
    assert_eq!(
        far_road["gaps"].as_array().unwrap().len(),
        far_road["slots"].as_u64().unwrap() as usize
    );
    assert_eq!(seg(t.later)["covered"], 0, "{cov}");

    // The track, and today's patrols of the area, with the last position.
    let (_, track) = get(
        h,
        &format!("/api/v1/patrols/{}/track", t.patrol),
        &h.tokens.operator,
    )
    .await;
    assert_eq!(track["points"].as_array().unwrap().len(), 9);
    let (_, list) = get(h, "/api/v1/patrols", &h.tokens.operator).await;
    assert_eq!(list[0]["positions"], 9);
    assert_eq!(list[0]["active"], true);
    assert!(list[0]["last"].is_array());

    // Check-ins: near the spot, too far, by the QR code, by a wrong code.
    let checkin = |body: Value| {
        let path = format!("/api/v1/patrols/{}/checkins", t.patrol);
        async move { post(h, &path, &h.tokens.worker, &body).await }
    };
    let near = off(h.point, 110.0, 10.0);
    let (status, c) = checkin(json!({"segment_id": t.later, "lon": near[0], "lat": near[1]})).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["method"], "near");
    let far = off(h.point, 100.0, 400.0);
    let (status, c) = checkin(json!({"segment_id": t.later, "lon": far[0], "lat": far[1]})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{c}");
    assert!(
        c["detail"].as_str().unwrap().contains("超出签到范围"),
        "{c}"
    );
    let (_, segments) = get(h, "/api/v1/key-segments", &h.tokens.operator).await;
    let code = segments
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == t.later)
        .unwrap()["checkin_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, c) = checkin(json!({"segment_id": t.later, "code": code})).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["method"], "qr");
    let (status, _) = checkin(json!({"segment_id": t.later, "code": "KS1-000000000000"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Ended: no more check-ins; a second end keeps the first.
    let end = format!("/api/v1/patrols/{}/end", t.patrol);
    let (_, ended) = post(h, &end, &h.tokens.worker, &json!({})).await;
    assert_eq!(ended["active"], false);
    let (_, again) = post(h, &end, &h.tokens.worker, &json!({})).await;
    assert_eq!(again["ended_at"], ended["ended_at"]);
    let (status, _) = checkin(json!({"segment_id": t.later, "code": code})).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn school_gates_show_their_posts_of_the_day() {
    let t = Patrol::new().await;
    let h = &t.h;
    let op = &h.tokens.operator;
    let p = h.point;
    let gate = |name: &str, at: [f64; 2]| {
        json!({"name": name, "kind": "school_gate", "points": [at],
               "windows": format!("{},{}", window(-20, 40), window(300, 360))})
    };
    let (status, a) = post(
        h,
        "/api/v1/key-segments",
        op,
        &gate("第一小学东门", off(p, 50.0, 20.0)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{a}");
    let (_, b) = post(
        h,
        "/api/v1/key-segments",
        op,
        &gate("第二小学南门", off(p, 50.0, 900.0)),
    )
    .await;
    let (status, refused) = post(
        h,
        "/api/v1/key-segments",
        op,
        &json!({"name": "两个点的校门", "kind": "school_gate", "points": [off(p, 0.0, 0.0), off(p, 1.0, 1.0)]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    t.send("batch-0000-0101", walk(h, 20.0, 4)).await;
    let (status, posts) = get(h, "/api/v1/school-posts", op).await;
    assert_eq!(status, StatusCode::OK, "{posts}");
    let post_of = |id: &Value| {
        posts["posts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["segment_id"] == *id)
            .unwrap()
            .clone()
    };
    let (first, second) = (post_of(&a["id"]), post_of(&b["id"]));
    if posts["school_day"] == true {
        assert_eq!(first["slots"][0]["state"], "covered", "{posts}");
        assert_eq!(first["slots"][0]["teams"], json!(["红袖标巡防一队"]));
        assert_eq!(first["slots"][1]["state"], "waiting");
        assert_eq!(second["slots"][0]["state"], "late");
        assert_eq!(posts["late"], 1);
    } else {
        assert_eq!(first["slots"][0]["state"], "no_school", "{posts}");
        assert_eq!(posts["late"], 0);
    }
}

#[tokio::test]
async fn patrols_refuse_what_they_should() {
    let t = Patrol::new().await;
    let h = &t.h;
    // Another township sees none of it.
    let other = h.other_operator.user.as_ref().unwrap();
    let err =
        h.t.app
            .patrols()
            .coverage(other, Some(&h.grid[..12]), None, None)
            .await
            .unwrap_err();
    assert!(matches!(err, pingan_app::AppError::Forbidden(_)), "{err:?}");
    let err = h.t.app.patrols().track(other, t.patrol).await.unwrap_err();
    assert!(matches!(err, pingan_app::AppError::NotFound(_)), "{err:?}");
    assert!(
        h.t.app
            .patrols()
            .teams(other, None)
            .await
            .unwrap()
            .is_empty()
    );
    // A grid worker does not keep teams; an operator is no member of the team.
    let (status, _) = post(
        h,
        "/api/v1/patrol-teams",
        &h.tokens.worker,
        &json!({"name": "自建队", "level": "group", "kind": "volunteer", "headcount": 3}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, e) = post(
        h,
        "/api/v1/patrols",
        &h.tokens.operator,
        &json!({"client_id": "patrol-0000-0009", "team_id": t.team}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
    // Positions of another patroller's patrol, out of its time, too many, and a bad team.
    crate::add_user(
        &h.t,
        "xl-two",
        "巡防队员",
        &h.grid,
        "grid_worker",
        &h.password,
    )
    .await
    .unwrap();
    let (_, other_token) = crate::events::actor(&h.t, "xl-two", &h.password).await;
    let (status, _) = post(
        h,
        &format!("/api/v1/patrols/{}/positions", t.patrol),
        &other_token,
        &json!({"client_id": "batch-0000-0009", "positions": walk(h, 0.0, 1)}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(
        h,
        &format!("/api/v1/patrols/{}/track", t.patrol),
        &other_token,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let old = json!([{"at": Utc::now() - Duration::hours(3), "lon": h.point.0, "lat": h.point.1}]);
    let (status, e) = t
        .send("batch-0000-0010", old.as_array().unwrap().clone())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["detail"].as_str().unwrap().contains("手机时间"), "{e}");
    let (status, _) = t.send("batch-0000-0011", walk(h, 0.0, 501)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = t.send("short", walk(h, 0.0, 1)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, e) = post(
        h,
        "/api/v1/patrol-teams",
        &h.tokens.operator,
        &json!({"name": "重名", "level": "county", "kind": "volunteer", "headcount": 3}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    let (status, e) = post(
        h,
        "/api/v1/patrol-teams",
        &h.tokens.operator,
        &json!({"name": "红袖标巡防一队", "level": "village", "kind": "volunteer", "org": &h.grid[..12], "headcount": 3}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    // A period too long or the wrong way round.
    let (status, _) = get(
        h,
        "/api/v1/patrols/coverage?from=2026-01-01&to=2026-12-01",
        &h.tokens.operator,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(
        h,
        "/api/v1/patrols/coverage?from=2026-12-02&to=2026-12-01",
        &h.tokens.operator,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_hub_page_shows_teams_posts_and_coverage_and_takes_its_forms() {
    let t = Patrol::new().await;
    let h = &t.h;
    t.send("batch-0000-0201", walk(h, 30.0, 4)).await;
    crate::add_user(
        &h.t,
        "xf-web",
        "巡防中队",
        &h.grid[..9],
        "operator",
        &h.password,
    )
    .await
    .unwrap();
    let mut ready = h.t.ready("xf-web", &h.password).await;
    let c = crate::client();
    crate::web_login(&h.t, &c, &mut ready).await;
    let html = crate::page(&c, &h.t, "/patrols").await;
    assert!(
        html.contains("红袖标巡防一队") && html.contains("群防群治"),
        "{html}"
    );
    assert!(html.contains("西外大街") && html.contains("滨河路"));
    assert!(html.contains("巡逻中"));
    let res = c
        .post(h.t.url("/patrols/segments"))
        .form(&[
            ("name", "<i>朝阳小学</i>东门"),
            ("kind", "school_gate"),
            ("points", &format!("{},{}", h.point.0, h.point.1)),
            ("coord", "wgs84"),
            ("radius_m", "50"),
            ("windows", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = crate::page(&c, &h.t, "/patrols").await;
    assert!(
        html.contains("&#60;i&#62;朝阳小学&#60;/i&#62;东门"),
        "escaped"
    );
    assert!(
        html.contains("07:30-08:30,16:30-17:30"),
        "the school gate's default windows"
    );
    let res = c
        .post(h.t.url("/patrols/segments"))
        .form(&[
            ("name", "坏位置"),
            ("kind", "road"),
            ("points", "一百零七,三十一"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("第 1 行应为“经度,纬度”"), "{html}");
    let res = c
        .post(h.t.url("/patrols/teams"))
        .form(&[
            ("name", "流动警务车一组"),
            ("level", "township"),
            ("kind", "police"),
            ("org", ""),
            ("headcount", "4"),
            ("vehicle_plate", "川S·A1234"),
            ("members", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = crate::page(&c, &h.t, "/patrols").await;
    assert!(html.contains("流动警务车一组") && html.contains("川S·A1234") && html.contains("专职"));
}

#[tokio::test]
async fn the_hub_sends_the_nearest_patrol_to_an_event_and_its_arrival_is_recorded() {
    let t = Patrol::new().await;
    let h = &t.h;
    let op = &h.tokens.operator;
    let e = h.report("cj-ld-0001").await;
    let path = format!("/api/v1/events/{}/patrols", e.id);
    // Nobody has a fresh position yet.
    let (status, none) = post(h, &path, op, &json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{none}");
    assert!(
        none["detail"].as_str().unwrap().contains("请电话调度"),
        "{none}"
    );
    // 500 m north of the event.
    let (_, away) = t.send("batch-0000-0301", walk(h, 500.0, 1)).await;
    assert_eq!(away["tasks"], json!([]));
    let (status, sent) = post(h, &path, op, &json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["team_name"], "红袖标巡防一队");
    let d = sent["distance_m"].as_i64().unwrap();
    assert!((480..=520).contains(&d), "{d}");
    // The phone learns of it with its next batch, and arrives with the one after.
    let (_, next) = t.send("batch-0000-0302", walk(h, 300.0, 1)).await;
    assert_eq!(next["tasks"][0]["event_id"], e.id);
    assert!(next["tasks"][0]["distance_m"].as_i64().unwrap() > 250);
    let (_, there) = t.send("batch-0000-0303", walk(h, 20.0, 1)).await;
    assert_eq!(there["tasks"], json!([]), "{there}");
    let (_, list) = get(h, &path, op).await;
    assert!(list[0]["arrived_at"].is_string(), "{list}");
    assert_eq!(list[0]["minutes"], 0);
    // Another township may not send to it or read it; a grid worker may not send.
    let other = &h.other_operator;
    let err =
        h.t.app
            .patrols()
            .send_nearest(other, e.id)
            .await
            .unwrap_err();
    assert!(matches!(err, pingan_app::AppError::NotFound(_)), "{err:?}");
    let (status, _) = post(h, &path, &h.tokens.worker, &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_shift_is_kept_when_the_team_goes_out_in_its_window() {
    let t = Patrol::new().await;
    let h = &t.h;
    let op = &h.tokens.operator;
    let today = pingan_domain::time::beijing_date(Utc::now());
    let path = format!("/api/v1/patrol-teams/{}/shifts", t.team);
    let worker = h.worker.user.as_ref().unwrap().username.clone();
    let shift = |window: String| json!({"day": today, "window": window, "headcount": 6, "members": [worker]});
    // The patrol of `Patrol::new` is out now: a window around now is kept; a later one waits.
    let (status, now) = post(h, &path, op, &shift(window(-30, 30))).await;
    assert_eq!(status, StatusCode::CREATED, "{now}");
    assert_eq!(now["state"], "kept");
    assert_eq!(now["accounts"], 1);
    let (_, later) = post(h, &path, op, &shift(window(120, 180))).await;
    assert_eq!(later["state"], "waiting");
    // The same window twice, a day in the past, someone not in the team, a bad window.
    let (status, _) = post(h, &path, op, &shift(window(-30, 30))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let past = json!({"day": today.pred_opt().unwrap(), "window": "08:00-09:00", "headcount": 2});
    assert_eq!(post(h, &path, op, &past).await.0, StatusCode::BAD_REQUEST);
    let stranger =
        json!({"day": today, "window": "06:00-07:00", "headcount": 2, "members": ["commander"]});
    let (status, e) = post(h, &path, op, &stranger).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["detail"].as_str().unwrap().contains("不是队伍"), "{e}");
    let bad = json!({"day": today, "window": "晚上", "headcount": 2});
    assert_eq!(post(h, &path, op, &bad).await.0, StatusCode::BAD_REQUEST);
    // Another township cannot put this team on a shift; the patroller sees their team's shifts.
    let other = &h.other_operator;
    let r = pingan_app::ShiftRequest {
        day: today,
        window: "06:00-07:00".into(),
        headcount: 2,
        members: Vec::new(),
    };
    let err =
        h.t.app
            .patrols()
            .add_shift(other, t.team, &r)
            .await
            .unwrap_err();
    assert!(matches!(err, pingan_app::AppError::NotFound(_)), "{err:?}");
    let (_, mine) = get(h, "/api/v1/patrol-shifts", &h.tokens.worker).await;
    assert_eq!(mine.as_array().unwrap().len(), 2, "{mine}");
    let (_, all) = get(h, "/api/v1/patrol-shifts", op).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_festivals_site_needs_cover_only_on_its_days_and_a_retired_segment_none() {
    let t = Patrol::new().await;
    let h = &t.h;
    let op = &h.tokens.operator;
    let today = pingan_domain::time::beijing_date(Utc::now());
    let p = h.point;
    // A temple fair next month: near the track, in its hours, but not its season.
    let fair = json!({"name": "庙会", "kind": "site", "points": [off(p, 60.0, 30.0)],
        "windows": window(-30, 30), "valid_from": today + Duration::days(30), "valid_to": today + Duration::days(33)});
    let (status, fair) = post(h, "/api/v1/key-segments", op, &fair).await;
    assert_eq!(status, StatusCode::CREATED, "{fair}");
    let backwards = json!({"name": "倒序", "kind": "site", "points": [off(p, 0.0, 0.0)], "windows": "08:00-09:00",
        "valid_from": today, "valid_to": today - Duration::days(1)});
    assert_eq!(
        post(h, "/api/v1/key-segments", op, &backwards).await.0,
        StatusCode::BAD_REQUEST
    );
    let (_, got) = t.send("batch-0000-0401", walk(h, 30.0, 4)).await;
    let covered = got["covered"].to_string();
    assert!(
        covered.contains("西外大街") && !covered.contains("庙会"),
        "{covered}"
    );
    let path = format!("/api/v1/patrols/coverage?from={today}&to={today}");
    let (_, cov) = get(h, &path, op).await;
    let fair_row = cov["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == fair["id"])
        .unwrap()
        .clone();
    assert_eq!(fair_row["slots"], 0, "{fair_row}");
    // Retired: off the list and the coverage; another township may not retire one.
    let del = |token: &str, id: i64| {
        reqwest::Client::new()
            .delete(h.t.url(&format!("/api/v1/key-segments/{id}")))
            .bearer_auth(token.to_owned())
            .send()
    };
    let err =
        h.t.app
            .patrols()
            .retire_segment(&h.other_operator, t.far_road)
            .await
            .unwrap_err();
    assert!(matches!(err, pingan_app::AppError::NotFound(_)), "{err:?}");
    assert_eq!(
        del(op, t.far_road).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let (_, list) = get(h, "/api/v1/key-segments", op).await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != t.far_road)
    );
    let (_, cov) = get(h, &path, op).await;
    assert!(
        cov["segments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != t.far_road)
    );
}
