//! 一键报警与门禁: registering points, signed heartbeats and alarms, the alarm on the stream and as
//! an event, and every refusal of a device's call (bad or missing signature, replay, stale clock,
//! wrong signal, too large).

use crate::events::{Hub, TOWNSHIP, next_case_change, stream};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A device: its id and key, and the calls it makes.
pub struct Device {
    id: i64,
    key: [u8; 32],
    base: String,
}

impl Device {
    fn headers(
        &self,
        path: &str,
        body: &str,
        timestamp: i64,
        nonce: &str,
    ) -> Vec<(String, String)> {
        let ts = timestamp.to_string();
        let message =
            pingan_domain::alarm::signed_message(&ts, nonce, "POST", path, body.as_bytes());
        vec![
            ("X-Pingan-Timestamp".into(), ts),
            ("X-Pingan-Nonce".into(), nonce.into()),
            (
                "X-Pingan-Signature".into(),
                pingan_crypto::hmac_sm3_hex(&self.key, &message),
            ),
        ]
    }

    fn path(&self, what: &str) -> String {
        format!("/api/v1/alarm-points/{}/{what}", self.id)
    }

    async fn send(
        &self,
        path: &str,
        body: &str,
        headers: &[(String, String)],
    ) -> (StatusCode, Value) {
        let mut req = reqwest::Client::new()
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_owned());
        for (k, v) in headers {
            req = req.header(k, v);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// A fresh, correctly signed call.
    pub async fn call(&self, what: &str, body: &str) -> (StatusCode, Value) {
        let path = self.path(what);
        let nonce = format!("n-{}", pingan_crypto::random_token().unwrap());
        let headers = self.headers(&path, body, chrono::Utc::now().timestamp(), &nonce[..40]);
        self.send(&path, body, &headers).await
    }
}

async fn register(h: &Hub, token: &str, body: Value) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(h.t.url("/api/v1/alarm-points"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

pub async fn device(h: &Hub, code: &str, name: &str, kind: &str) -> Device {
    let (status, point) = register(
        h,
        &h.tokens.commander,
        json!({"code": code, "name": name, "kind": kind, "lat": h.point.1, "lon": h.point.0,
               "address": "朝阳东路 1 号"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{point}");
    let key = pingan_crypto::hex32(point["key"].as_str().unwrap()).expect("64 hex digits");
    Device {
        id: point["point"]["id"].as_i64().unwrap(),
        key,
        base: h.t.base_url.clone(),
    }
}

async fn points(h: &Hub, token: &str, query: &str) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .get(h.t.url(&format!("/api/v1/alarm-points{query}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn a_signed_alarm_reaches_the_hubs_stream_as_an_event_and_heartbeats_give_the_online_rate() {
    let h = Hub::new().await;
    let school = device(&h, "CAMPUS-0001", "朝阳小学东门一键报警", "campus").await;
    let (_, list) = points(&h, &h.tokens.operator, "").await;
    assert_eq!(
        (list["total"].as_i64(), list["online"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(list["online_rate"], 0.0);
    assert_eq!(list["points"][0]["kind_label"], "校园一键报警");
    assert!(
        list["points"][0]["org_code"]
            .as_str()
            .unwrap()
            .starts_with(TOWNSHIP)
    );

    let (status, _) = school.call("heartbeats", "").await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = points(&h, &h.tokens.operator, &format!("?org={TOWNSHIP}")).await;
    assert_eq!(
        (list["online"].as_i64(), list["online_rate"].as_f64()),
        (Some(1), Some(100.0))
    );

    let mut operator_stream = stream(&h.t.base_url, &h.tokens.operator).await;
    let (status, outcome) = school
        .call("alarms", r#"{"signal":"button","detail":"东门岗亭"}"#)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{outcome}");
    let number = outcome["event_number"].as_str().unwrap();
    let change = next_case_change(&mut operator_stream).await;
    assert_eq!(change["number"], number);
    assert_eq!(change["alarm"]["point_name"], "朝阳小学东门一键报警");
    assert_eq!(change["alarm"]["signal_label"], "一键报警");
    assert!((change["alarm"]["lat"].as_f64().unwrap() - h.point.1).abs() < 1e-9);

    let id = outcome["event_id"].as_i64().unwrap();
    let detail = h.t.app.cases().event_detail(&h.operator, id).await.unwrap();
    assert_eq!(detail.event.channel, "alarm");
    assert_eq!(detail.event.category_code, "ZZ07");
    assert_eq!(detail.event.title, "一键报警：朝阳小学东门一键报警");
    assert!(detail.event.description.contains("东门岗亭"));
    assert_eq!(detail.timeline[0].actor_name, "朝阳小学东门一键报警");
    // The operator's 受理 is the acknowledgement, on the timeline.
    h.act(&h.operator, id, "accept").await.unwrap();
    let detail = h.t.app.cases().event_detail(&h.operator, id).await.unwrap();
    assert_eq!(detail.timeline.last().unwrap().action, "accept");

    let door = device(&h, "DOOR-0001", "幸福小区北门门禁", "door").await;
    let (status, outcome) = door.call("alarms", r#"{"signal":"door_forced"}"#).await;
    assert_eq!(status, StatusCode::CREATED, "{outcome}");
    let detail =
        h.t.app
            .cases()
            .event_detail(&h.operator, outcome["event_id"].as_i64().unwrap())
            .await
            .unwrap();
    assert_eq!(detail.event.title, "门被强行打开：幸福小区北门门禁");

    // Another township sees none of these points, nor may it ask for this township's.
    let theirs =
        h.t.app
            .alarms()
            .points(&h.other_operator, None)
            .await
            .unwrap();
    assert_eq!(theirs.total, 0);
    let refused =
        h.t.app
            .alarms()
            .points(&h.other_operator, Some(TOWNSHIP))
            .await;
    assert!(matches!(refused, Err(pingan_app::AppError::Forbidden(_))));
}

#[tokio::test]
async fn a_devices_bad_calls_are_refused() {
    let h = Hub::new().await;
    let d = device(&h, "PILLAR-0001", "人民广场报警柱", "pillar").await;
    let path = d.path("alarms");
    let body = r#"{"signal":"button"}"#;
    let now = chrono::Utc::now().timestamp();

    let headers = d.headers(&path, body, now, "replayed-nonce-0001");
    assert_eq!(d.send(&path, body, &headers).await.0, StatusCode::CREATED);
    let (status, e) = d.send(&path, body, &headers).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a replay: {e}");

    let mut forged = d.headers(&path, body, now, "forged-nonce-00001");
    forged[2].1 = "0".repeat(64);
    assert_eq!(
        d.send(&path, body, &forged).await.0,
        StatusCode::UNAUTHORIZED
    );
    let other_body = d.headers(&path, r#"{"signal":"tamper"}"#, now, "swapped-body-0001");
    assert_eq!(
        d.send(&path, body, &other_body).await.0,
        StatusCode::UNAUTHORIZED
    );
    let heartbeat_signature = d.headers(&d.path("heartbeats"), body, now, "wrong-path-00001");
    assert_eq!(
        d.send(&path, body, &heartbeat_signature).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, e) = d.send(&path, body, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(e["detail"].as_str().unwrap().contains("X-Pingan-Signature"));
    let stale = d.headers(&path, body, now - 3600, "stale-nonce-000001");
    let (status, e) = d.send(&path, body, &stale).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["detail"].as_str().unwrap().contains("校准"), "{e}");
    let short = d.headers(&path, body, now, "short");
    assert_eq!(d.send(&path, body, &short).await.0, StatusCode::BAD_REQUEST);
    let stranger = Device {
        id: d.id + 1000,
        key: d.key,
        base: d.base.clone(),
    };
    assert_eq!(
        stranger.call("alarms", body).await.0,
        StatusCode::UNAUTHORIZED
    );

    let (status, e) = d.call("alarms", r#"{"signal":"door_forced"}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["detail"].as_str().unwrap().contains("button"), "{e}");
    let (status, _) = d.call("alarms", "按钮").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = d
        .call(
            "alarms",
            &format!(r#"{{"signal":"button","detail":"{}"}}"#, "长".repeat(2000)),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // Registration: the code once, the fields checked, by those who manage devices only.
    let point = |code: &str, kind: &str| json!({"code": code, "name": "测试报警点", "kind": kind, "lat": h.point.1, "lon": h.point.0});
    let (status, _) = register(&h, &h.tokens.commander, point("PILLAR-0001", "pillar")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, e) = register(&h, &h.tokens.commander, point("P 1", "pillar")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    let (status, e) = register(&h, &h.tokens.commander, point("PILLAR-0002", "siren")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    let mut far = point("PILLAR-0003", "pillar");
    far["lat"] = json!(39.9);
    far["lon"] = json!(116.4);
    let (status, e) = register(&h, &h.tokens.commander, far).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "outside every grid: {e}");
    let (status, _) = register(&h, &h.tokens.worker, point("PILLAR-0004", "pillar")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = points(&h, &h.tokens.court, "").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "departments work events, not devices"
    );
}

#[tokio::test]
async fn the_alarms_page_lists_the_points_with_their_online_rate_and_registers_one() {
    let h = Hub::new().await;
    let c = reqwest::Client::new();
    let form = |lat: &str| {
        vec![
            ("code", "HOME-0007".to_owned()),
            ("name", "独居老人张某家紧急按钮".to_owned()),
            ("kind", "home".to_owned()),
            ("lat", lat.to_owned()),
            ("lon", h.point.0.to_string()),
            ("coord", "wgs84".to_owned()),
            ("address", "朝阳东路 5 号 2 单元".to_owned()),
            ("heartbeat_secs", "60".to_owned()),
        ]
    };
    let post = |body: Vec<(&'static str, String)>| {
        c.post(h.t.url("/alarms"))
            .bearer_auth(&h.tokens.commander)
            .form(&body)
            .send()
    };
    let res = post(form("北纬三十一度")).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("纬度应为数字"));
    let res = post(form(&h.point.1.to_string())).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"point-key\""), "the key, once");
    assert!(html.contains("独居老人张某家紧急按钮") && html.contains("居家紧急按钮"));

    let page = |token: String| {
        let c = c.clone();
        let url = h.t.url("/alarms");
        async move {
            c.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let html = page(h.tokens.operator.clone()).await;
    assert!(!html.contains("id=\"point-key\""), "never again");
    assert!(html.contains("<span class=\"num\" id=\"points-total\">1</span>"));
    assert!(html.contains("<span class=\"num\" id=\"points-rate\">0.0%</span>"));
    assert!(html.contains("从未"), "never heard");
    assert!(
        !html.contains("id=\"point-form\""),
        "operators do not register devices"
    );
}
