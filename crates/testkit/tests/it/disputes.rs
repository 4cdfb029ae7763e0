//! 矛盾纠纷: registration, the mediation lifecycle through the API, every refusal, scope (the
//! organisation, the referring court, another township), escalation, events converted into
//! disputes, the organisations and the indicators — on whichever backend the run uses.

use crate::events::{Hub, TOWNSHIP, actor};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The hub with the mediators a dispute meets.
pub(crate) struct Mediation {
    pub(crate) h: Hub,
    /// The township's 人民调解委员会 and its mediator.
    committee: i64,
    pub(crate) mediator: String,
    /// The township police station's mediation room (公调) and its mediator.
    police_room: i64,
    police_mediator: String,
    /// The district's road-traffic committee.
    traffic: i64,
}

impl Mediation {
    pub(crate) async fn new() -> Self {
        let h = Hub::new().await;
        let orgs = get(&h, "/api/v1/mediation-organisations", &h.tokens.operator)
            .await
            .1;
        let id_of = |code: &str| {
            orgs.as_array()
                .unwrap()
                .iter()
                .find(|o| o["code"] == code)
                .unwrap_or_else(|| panic!("{code} not in {orgs}"))["id"]
                .as_i64()
                .unwrap()
        };
        let committee = id_of(&format!("{TOWNSHIP}-TJ"));
        let police_room = id_of(&format!("{TOWNSHIP}-TJ-GD"));
        let traffic = id_of("511702-TJ-HY13");
        let (_, mediator) = actor(&h.t, &format!("bm-{TOWNSHIP}-tj"), &h.password).await;
        let (_, police_mediator) = actor(&h.t, &format!("bm-{TOWNSHIP}-tj-gd"), &h.password).await;
        Self {
            h,
            committee,
            mediator,
            police_room,
            police_mediator,
            traffic,
        }
    }

    fn intake(&self, client_id: &str) -> Value {
        json!({
            "client_id": client_id,
            "type": "邻里纠纷",
            "sub_type": "排水",
            "source": "screening",
            "title": "两户因排水沟堵塞发生争执",
            "facts": "张家修建院坝堵塞排水沟，雨后李家房屋进水。",
            "parties": [
                {"role": "applicant", "name": "李德明", "id_number": "11010519491231002X", "phone": "13800138000"},
                {"role": "respondent", "name": "张国强"}
            ],
            "lat": self.h.point.1,
            "lon": self.h.point.0,
            "people_count": 2,
            "amount_yuan": 3500.5
        })
    }

    async fn register(&self, client_id: &str, token: &str) -> Value {
        let (status, body) =
            post(&self.h, "/api/v1/disputes", token, &self.intake(client_id)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    async fn act(&self, id: i64, token: &str, body: Value) -> (StatusCode, Value) {
        post(
            &self.h,
            &format!("/api/v1/disputes/{id}/actions"),
            token,
            &body,
        )
        .await
    }

    pub(crate) async fn ok(&self, id: i64, token: &str, body: Value) -> Value {
        let (status, v) = self.act(id, token, body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body} → {v}");
        v
    }

    /// A dispute taken to 调解中 at the township committee.
    pub(crate) async fn mediating(&self, client_id: &str) -> i64 {
        let id = self.register(client_id, &self.h.tokens.operator).await["id"]
            .as_i64()
            .unwrap();
        self.ok(id, &self.h.tokens.operator, json!({"action": "accept"}))
            .await;
        self.ok(
            id,
            &self.h.tokens.operator,
            json!({"action": "assign", "organisation_id": self.committee}),
        )
        .await;
        id
    }
}

pub(crate) async fn get(h: &Hub, path: &str, token: &str) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .get(h.t.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn post(h: &Hub, path: &str, token: &str, body: &Value) -> (StatusCode, Value) {
    let res = reqwest::Client::new()
        .post(h.t.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_dispute_is_mediated_agreed_confirmed_and_archived() {
    let m = Mediation::new().await;
    let op = &m.h.tokens.operator;
    let d = m.register("jf-life-0001", op).await;
    assert!(d["number"].as_str().unwrap().starts_with("JF"), "{d}");
    assert_eq!(d["state"], "registered");
    assert_eq!(d["type"], "02");
    assert_eq!(d["amount_yuan"], 3500.5);
    assert_eq!(d["owner_org"], TOWNSHIP);
    assert!(d["deadline"].is_string());
    let id = d["id"].as_i64().unwrap();

    // The same client id answers the same dispute.
    let (status, again) = post(&m.h, "/api/v1/disputes", op, &m.intake("jf-life-0001")).await;
    assert_eq!((status, &again["id"]), (StatusCode::OK, &d["id"]));

    // Not yet the committee's: its mediator does not see it.
    let (status, _) = get(&m.h, &format!("/api/v1/disputes/{id}"), &m.mediator).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    m.ok(id, op, json!({"action": "accept"})).await;
    let v = m
        .ok(
            id,
            op,
            json!({"action": "assign", "organisation_id": m.committee}),
        )
        .await;
    assert_eq!(
        (v["state"].as_str(), v["organisation_id"].as_i64()),
        (Some("mediating"), Some(m.committee))
    );

    // The committee's mediator now sees it, records a session and the agreement.
    let (status, page) = get(&m.h, "/api/v1/disputes?open=true", &m.mediator).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id),
        "{page}"
    );
    m.ok(
        id,
        &m.mediator,
        json!({"action": "record_session", "reason": "双方陈述，初步同意疏通排水沟", "place": "村调解室",
               "attendees": "李德明、张国强、调解员"}),
    )
    .await;
    m.ok(
        id,
        &m.mediator,
        json!({"action": "record_session", "reason": "视频回访双方意见", "video_link": "https://meet.example.cn/room/42",
               "attendees": "李德明、张国强"}),
    )
    .await;
    let v = m
        .ok(
            id,
            &m.mediator,
            json!({"action": "succeed", "agreement": "written",
                   "content": "张国强于 12 月 20 日前疏通排水沟并赔偿李德明 3500.5 元"}),
        )
        .await;
    assert_eq!(v["state"], "performing");
    assert_eq!(v["succeeded"], true);
    assert_eq!(v["agreement"], "written");
    assert!(v["mediator_id"].is_i64());
    m.ok(
        id,
        op,
        json!({"action": "follow_up", "reason": "回访：已疏通，赔偿已付"}),
    )
    .await;
    m.ok(id, &m.mediator, json!({"action": "apply_confirmation"}))
        .await;
    let (status, e) = m
        .act(id, &m.mediator, json!({"action": "record_confirmation"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    let v = m
        .ok(
            id,
            &m.mediator,
            json!({"action": "record_confirmation", "outcome": "confirmed"}),
        )
        .await;
    assert_eq!(v["state"], "confirmed");
    let v = m.ok(id, &m.mediator, json!({"action": "archive"})).await;
    assert_eq!(
        (v["state"].as_str(), v["open"].as_bool()),
        (Some("archived"), Some(false))
    );

    let (status, detail) = get(&m.h, &format!("/api/v1/disputes/{id}"), op).await;
    assert_eq!(status, StatusCode::OK);
    let text = detail.to_string();
    // Parties masked: neither the full name nor the ID number leaves the server.
    assert_eq!(detail["parties"][0]["name"], "李**");
    assert_eq!(detail["parties"][0]["id_number"], "110105********002X");
    assert!(!text.contains("11010519491231002X"));
    assert_eq!(detail["sessions"].as_array().unwrap().len(), 2);
    assert_eq!(
        detail["sessions"][1]["video_link"],
        "https://meet.example.cn/room/42"
    );
    let labels: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["action_label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "登记",
            "受理",
            "分流调解",
            "记录调解",
            "记录调解",
            "调解成功",
            "回访",
            "申请司法确认",
            "司法确认有效",
            "归档"
        ]
    );
    assert_eq!(detail["organisations"][0]["id"], m.committee);
}

#[tokio::test]
async fn each_refusal_says_why() {
    let m = Mediation::new().await;
    let op = &m.h.tokens.operator;
    // Validation: one side only; a court referral without its number; a sub-type of another type.
    let mut one_side = m.intake("jf-refuse-01");
    one_side["parties"] = json!([{"role": "applicant", "name": "李德明"}]);
    let (status, e) = post(&m.h, "/api/v1/disputes", op, &one_side).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["detail"].as_str().unwrap().contains("被申请人"), "{e}");
    let mut court = m.intake("jf-refuse-02");
    court["source"] = json!("court_delegated");
    let (status, e) = post(&m.h, "/api/v1/disputes", op, &court).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["detail"].as_str().unwrap().contains("法院案号"), "{e}");
    let mut sub = m.intake("jf-refuse-03");
    sub["sub_type"] = json!("工伤");
    let (status, _) = post(&m.h, "/api/v1/disputes", op, &sub).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let id = m.register("jf-refuse-04", op).await["id"].as_i64().unwrap();
    // Wrong state, missing reason, a department that is not a mediation organisation.
    let (status, _) = m
        .act(
            id,
            op,
            json!({"action": "succeed", "agreement": "oral", "content": "双方和解"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = m.act(id, op, json!({"action": "refuse"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    m.ok(id, op, json!({"action": "accept"})).await;
    let (status, e) = m
        .act(
            id,
            op,
            json!({"action": "assign", "organisation_id": m.h.police_id}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    // Stale version.
    let (status, _) = m
        .act(
            id,
            op,
            json!({"action": "assign", "organisation_id": m.committee, "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    m.ok(
        id,
        op,
        json!({"action": "assign", "organisation_id": m.committee}),
    )
    .await;
    // The hub does not mediate; another organisation does not see it; another township neither.
    let (status, e) = m
        .act(
            id,
            op,
            json!({"action": "record_session", "reason": "x", "place": "y", "attendees": "z"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
    let (status, _) = m
        .act(
            id,
            &m.police_mediator,
            json!({"action": "fail", "reason": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let other =
        m.h.t
            .app
            .cases()
            .dispute_detail(&m.h.other_operator, id)
            .await;
    assert!(matches!(other, Err(pingan_app::AppError::NotFound(_))));
    // A session needs a place or a link, and its attendees; an agreement its content.
    let (status, e) = m
        .act(
            id,
            &m.mediator,
            json!({"action": "record_session", "reason": "调解", "attendees": "双方"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(e["detail"].as_str().unwrap().contains("调解地点"), "{e}");
    let (status, _) = m
        .act(
            id,
            &m.mediator,
            json!({"action": "succeed", "agreement": "written"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = m
        .act(
            id,
            &m.mediator,
            json!({"action": "extend", "reason": "双方同意", "extension_days": 40}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let v = m
        .ok(
            id,
            &m.mediator,
            json!({"action": "extend", "reason": "双方同意延长", "extension_days": 10}),
        )
        .await;
    assert_eq!(v["state"], "mediating");
}

#[tokio::test]
async fn a_failed_mediation_goes_up_a_level_or_out() {
    let m = Mediation::new().await;
    let op = &m.h.tokens.operator;
    let id = m.mediating("jf-up-0001").await;
    let v = m
        .ok(
            id,
            &m.mediator,
            json!({"action": "fail", "reason": "被申请人拒绝调解（人民调解法第十七条）"}),
        )
        .await;
    assert_eq!(
        (v["state"].as_str(), v["succeeded"].as_bool()),
        (Some("failed"), Some(false))
    );
    let v = m
        .ok(
            id,
            &m.mediator,
            json!({"action": "escalate", "reason": "提交区调委会"}),
        )
        .await;
    assert_eq!(
        (v["state"].as_str(), v["owner_org"].as_str()),
        (Some("accepted"), Some("511702"))
    );
    // The district's hub assigns it to a district committee.
    let v = m
        .ok(
            id,
            &m.h.tokens.commander,
            json!({"action": "assign", "organisation_id": m.traffic}),
        )
        .await;
    assert_eq!(v["organisation_id"], m.traffic);
    // The township committee no longer holds it.
    let (status, _) = get(&m.h, &format!("/api/v1/disputes/{id}"), &m.mediator).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The indicators count it under the organisation that holds it now.
    let (_, s) = get(&m.h, "/api/v1/stats/disputes", &m.h.tokens.commander).await;
    let holders: Vec<i64> = s["by_organisation"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["key"].as_str().and_then(|k| k.parse().ok()))
        .collect();
    assert!(
        holders.contains(&m.traffic) && !holders.contains(&m.committee),
        "{s}"
    );

    let other = m.mediating("jf-up-0002").await;
    m.ok(
        other,
        &m.mediator,
        json!({"action": "fail", "reason": "双方分歧过大"}),
    )
    .await;
    let v = m
        .ok(other, op, json!({"action": "refer", "reason": "告知当事人向人民法院起诉", "referred_to": "通川区人民法院"}))
        .await;
    assert_eq!(
        (
            v["state"].as_str(),
            v["referred_to"].as_str(),
            v["open"].as_bool()
        ),
        (Some("referred"), Some("通川区人民法院"), Some(false))
    );
}

#[tokio::test]
async fn a_court_follows_what_it_referred_and_nothing_else() {
    let m = Mediation::new().await;
    let mut referral = m.intake("jf-court-0001");
    referral["source"] = json!("court_delegated");
    referral["external_ref"] = json!("(2026)川1702民诉前调1234号");
    let (status, d) = post(&m.h, "/api/v1/disputes", &m.h.tokens.court, &referral).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    let id = d["id"].as_i64().unwrap();
    assert!(d["referrer_department_id"].is_i64());
    assert_eq!(d["external_ref"], "(2026)川1702民诉前调1234号");
    m.ok(id, &m.h.tokens.operator, json!({"action": "accept"}))
        .await;
    m.ok(
        id,
        &m.h.tokens.operator,
        json!({"action": "assign", "organisation_id": m.committee}),
    )
    .await;
    m.ok(
        id,
        &m.mediator,
        json!({"action": "succeed", "agreement": "oral", "content": "双方当场和解，互不追究"}),
    )
    .await;
    // The court sees the result on its own list.
    let (status, page) = get(&m.h, "/api/v1/disputes?referred=true", &m.h.tokens.court).await;
    assert_eq!(status, StatusCode::OK);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(
        (items[0]["id"].as_i64(), items[0]["state"].as_str()),
        (Some(id), Some("performing"))
    );
    // The police station, an unrelated department, does not.
    let police = m.h.t.app.cases().dispute_detail(&m.h.police, id).await;
    assert!(matches!(police, Err(pingan_app::AppError::NotFound(_))));
    // The justice bureau, which guides the mediation committees, sees every dispute of the district
    // (and acts on none of them).
    let (justice, _) = actor(&m.h.t, "bm-511702-sf", &m.h.password).await;
    let seen =
        m.h.t
            .app
            .cases()
            .dispute_detail(&justice, id)
            .await
            .unwrap();
    assert!(seen.actions.is_empty());
    let page =
        m.h.t
            .app
            .cases()
            .disputes(&justice, &Default::default())
            .await
            .unwrap();
    assert!(page.items.iter().any(|d| d.id == id));
    // A dispute the court did not refer is not on its list.
    let own = m.register("jf-court-0002", &m.h.tokens.operator).await["id"]
        .as_i64()
        .unwrap();
    let (status, _) = get(&m.h, &format!("/api/v1/disputes/{own}"), &m.h.tokens.court).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_event_becomes_a_dispute_and_each_points_at_the_other() {
    let m = Mediation::new().await;
    let e = m.h.report("ev-to-jf-0001").await;
    let op = &m.h.tokens.operator;
    let path = format!("/api/v1/events/{}/actions", e.id);
    let (status, err) = post(&m.h, &path, op, &json!({"action": "to_dispute"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    let body = json!({"action": "to_dispute", "dispute": {"type": "02", "parties": [
        {"role": "applicant", "name": "王芳"}, {"role": "respondent", "name": "赵强"}]}});
    let (status, v) = post(&m.h, &path, op, &body).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        (v["state"].as_str(), v["open"].as_bool()),
        (Some("converted"), Some(false))
    );
    let (_, event) = get(&m.h, &format!("/api/v1/events/{}", e.id), op).await;
    let dispute_id = event["dispute"][0].as_i64().unwrap();
    let (_, d) = get(&m.h, &format!("/api/v1/disputes/{dispute_id}"), op).await;
    assert_eq!(d["dispute"]["event_id"], e.id);
    assert_eq!(d["dispute"]["source"], "event");
    assert_eq!(d["dispute"]["org_code"], m.h.grid);
    assert_eq!(d["event_number"], e.number);
    // Converting again is refused: the event has ended.
    let (status, _) = post(&m.h, &path, op, &body).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // A grid worker cannot convert (the hub decides).
    let e2 = m.h.report("ev-to-jf-0002").await;
    let (status, _) = post(
        &m.h,
        &format!("/api/v1/events/{}/actions", e2.id),
        &m.h.tokens.worker,
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_success_rate_is_a_count_of_the_records() {
    let m = Mediation::new().await;
    let op = &m.h.tokens.operator;
    for i in 0..5 {
        let id = m.mediating(&format!("jf-rate-{i:04}")).await;
        if i == 3 {
            m.ok(
                id,
                &m.mediator,
                json!({"action": "fail", "reason": "分歧较大"}),
            )
            .await;
        } else if i == 4 {
            m.ok(id, &m.mediator, json!({"action": "succeed", "agreement": "oral", "content": "当场和解，互相赔礼道歉",
                "prevented_crime": true})).await;
        } else {
            m.ok(id, &m.mediator, json!({"action": "succeed", "agreement": "written", "content": "赔偿 1000 元并赔礼道歉"})).await;
        }
    }
    m.register("jf-rate-open", op).await;
    let (status, s) = get(&m.h, &format!("/api/v1/stats/disputes?org={TOWNSHIP}"), op).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    // A direct count from the records the list shows.
    let (_, page) = get(&m.h, "/api/v1/disputes?limit=200", op).await;
    let items = page["items"].as_array().unwrap();
    let succeeded = items.iter().filter(|i| i["succeeded"] == true).count() as i64;
    let failed = items.iter().filter(|i| i["succeeded"] == false).count() as i64;
    assert_eq!((succeeded, failed), (4, 1));
    assert_eq!(s["received"], items.len() as i64);
    assert_eq!(
        (s["succeeded"].as_i64(), s["failed"].as_i64()),
        (Some(succeeded), Some(failed))
    );
    assert_eq!(s["success_rate"], 80.0);
    assert_eq!(
        (
            s["prevented_crime"].as_i64(),
            s["prevented_petition"].as_i64()
        ),
        (Some(1), Some(0))
    );
    assert_eq!(s["amount_yuan"], 4.0 * 3500.5);
    assert_eq!(s["by_type"][0]["label"], "邻里纠纷");
    assert_eq!(s["by_source"][0]["label"], "排查发现");
    assert_eq!(
        s["year_on_year"]["received"],
        format!("上年同期为0，新增{}件", items.len())
    );
    let committee = s["by_organisation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"].as_str().and_then(|k| k.parse::<i64>().ok()) == Some(m.committee))
        .unwrap();
    assert_eq!(committee["succeeded"], 4);
    // The same figures as a spreadsheet, read back.
    let sheet =
        m.h.t
            .app
            .cases()
            .dispute_stats_sheet(&m.h.operator, &pingan_app::DisputeStatsQuery::default())
            .await
            .unwrap();
    let rows = pingan_app::sheet::read_first_sheet(&sheet, 100).unwrap();
    let text = |r: usize, c: usize| rows[r][c].text();
    assert_eq!(
        (text(0, 0), text(0, 5)),
        ("分组".to_owned(), "调解成功率（%）".to_owned())
    );
    assert_eq!(
        (text(1, 1), text(1, 2), text(1, 3), text(1, 5)),
        (
            "合计".to_owned(),
            "6".to_owned(),
            "4".to_owned(),
            "80.0".to_owned()
        )
    );
    assert!(
        rows.iter()
            .any(|r| r[0].text() == "纠纷类型" && r[1].text() == "邻里纠纷")
    );
    // Another township's figures do not include these; a unit outside the scope is refused.
    let other =
        m.h.t
            .app
            .cases()
            .dispute_stats(&m.h.other_operator, &Default::default())
            .await
            .unwrap();
    assert_eq!(other.received, 0);
    let (status, _) = get(&m.h, "/api/v1/stats/disputes?org=511702002", op).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&m.h, "/api/v1/stats/disputes?from=2026-13-01", op).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn organisations_and_mediators_carry_their_caseload() {
    let m = Mediation::new().await;
    m.mediating("jf-load-0001").await;
    let (status, orgs) = get(
        &m.h,
        "/api/v1/mediation-organisations",
        &m.h.tokens.operator,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let list = orgs.as_array().unwrap();
    // The district's committees come first, then the township's, then its villages'.
    assert_eq!(list[0]["org_code"], "511702");
    assert!(
        list.iter()
            .any(|o| o["kind"] == "professional" && o["speciality_label"] == "道路交通事故纠纷")
    );
    assert!(list.iter().any(|o| o["kind"] == "village"));
    assert!(
        list.iter()
            .all(|o| o["org_code"].as_str().unwrap().len() <= 6
                || o["org_code"].as_str().unwrap().starts_with(TOWNSHIP))
    );
    let committee = list.iter().find(|o| o["id"] == m.committee).unwrap();
    assert_eq!(
        (
            committee["open_cases"].as_i64(),
            committee["mediators"].as_i64()
        ),
        (Some(1), Some(1))
    );
    let (_, one) = get(
        &m.h,
        &format!("/api/v1/mediation-organisations/{}", m.police_room),
        &m.h.tokens.operator,
    )
    .await;
    assert_eq!(one["mediators"][0]["full_time"], true);

    // The commander creates a committee and names a mediator; an operator may not.
    let entry = json!({"name": "通川区消费纠纷人民调解委员会", "kind": "professional", "org_code": "511702", "speciality": "11"});
    let (status, _) = post(
        &m.h,
        "/api/v1/mediation-organisations",
        &m.h.tokens.operator,
        &entry,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, made) = post(
        &m.h,
        "/api/v1/mediation-organisations",
        &m.h.tokens.commander,
        &entry,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["code"], "511702-TJ-HY11");
    let (status, _) = post(
        &m.h,
        "/api/v1/mediation-organisations",
        &m.h.tokens.commander,
        &entry,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let no_speciality =
        json!({"name": "某行业调委会", "kind": "professional", "org_code": "511702"});
    let (status, _) = post(
        &m.h,
        "/api/v1/mediation-organisations",
        &m.h.tokens.commander,
        &no_speciality,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // An account of another organisation cannot be named its mediator.
    let op_id = m.h.operator.user.as_ref().unwrap().id;
    let (status, _) = post(
        &m.h,
        &format!("/api/v1/mediation-organisations/{}/mediators", made["id"]),
        &m.h.tokens.commander,
        &json!({"user_id": op_id, "full_time": false}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// The text of a PDF as `pdftotext` (poppler-utils) extracts it, and its page count from
/// `pdfinfo`; none when poppler is not installed — except in CI (`CI` set), where that fails.
pub(crate) fn pdf_text(bytes: &[u8]) -> Option<(String, usize)> {
    let path = std::env::temp_dir().join(format!("pingan-agreement-{}.pdf", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let text = match std::process::Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        }
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "pdftotext (poppler-utils) is required in CI: {e}"
            );
            eprintln!("pdftotext not installed ({e}): the PDF's text is not checked");
            return None;
        }
    };
    let info = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .unwrap();
    let pages = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .unwrap();
    let _ = std::fs::remove_file(&path);
    Some((text, pages))
}

#[tokio::test]
async fn the_agreement_prints_as_a_pdf_with_the_parties_and_what_they_agreed() {
    let m = Mediation::new().await;
    let id = m.mediating("jf-pdf-0001").await;
    let path = format!("/api/v1/disputes/{id}/agreement.pdf");
    let fetch = |token: String| {
        let url = m.h.t.url(&path);
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
        }
    };
    // Not before an agreement.
    assert_eq!(
        fetch(m.mediator.clone()).await.status(),
        StatusCode::CONFLICT
    );
    m.ok(
        id,
        &m.mediator,
        json!({"action": "succeed", "agreement": "written",
               "content": "张国强于二〇二六年十二月二十日前疏通排水沟，并一次性赔偿李德明人民币三千五百元。"}),
    )
    .await;
    let res = fetch(m.mediator.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(
        bytes.len() < 300_000,
        "the font is embedded as a subset: {} bytes",
        bytes.len()
    );
    if let Some((text, pages)) = pdf_text(&bytes) {
        let flat: String = text.split_whitespace().collect();
        for expected in [
            "人民调解协议书",
            "申请人：李德明",
            "被申请人：张国强",
            "并一次性赔偿李德明人民币三千五百元",
            "人民调解委员会（盖章）",
        ] {
            assert!(flat.contains(expected), "{expected} not in {text}");
        }
        assert!(
            !flat.contains("11010519491231002X"),
            "the ID number stays masked"
        );
        assert_eq!(pages, 1);
    }
    // Another township's operator cannot print it; a grid worker of the place cannot either.
    let (status, _) = get(&m.h, &path, &m.h.tokens.worker).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other =
        m.h.t
            .app
            .cases()
            .agreement_pdf(&m.h.other_operator, id)
            .await;
    assert!(matches!(other, Err(pingan_app::AppError::NotFound(_))));
}

#[tokio::test]
async fn two_offices_and_the_hub_mediate_jointly() {
    // 两所一中心: the police station and the township's committee mediate together.
    let m = Mediation::new().await;
    let op = &m.h.tokens.operator;
    let id = m.register("jf-joint-0001", op).await["id"]
        .as_i64()
        .unwrap();
    m.ok(id, op, json!({"action": "accept"})).await;
    let v = m
        .ok(id, op, json!({"action": "assign", "organisation_id": m.committee, "assist_organisation_ids": [m.h.police_id]}))
        .await;
    assert_eq!(
        (
            v["organisation_id"].as_i64(),
            v["assist_organisation_ids"].clone()
        ),
        (Some(m.committee), json!([m.h.police_id]))
    );
    // The police station's handler follows it; only the lead organisation records the outcome.
    let seen =
        m.h.t
            .app
            .cases()
            .dispute_detail(&m.h.police, id)
            .await
            .unwrap();
    assert_eq!(seen.organisations.len(), 2);
    assert!(
        seen.organisations
            .iter()
            .any(|o| o.id == m.h.police_id && !o.lead)
    );
    assert!(
        seen.actions.is_empty(),
        "a joint mediator records through the lead organisation"
    );
}

#[tokio::test]
async fn a_screening_shows_who_has_reported_disputes_a_zero_report_or_nothing() {
    let m = Mediation::new().await;
    let op = &m.h.tokens.operator;
    let due = (chrono::Utc::now() + chrono::Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    let entry = json!({"name": "岁末年初矛盾纠纷集中排查", "kind": "centralised", "level": "village", "due_on": due});
    // A grid worker does not start campaigns; a special one needs its topic.
    let (status, _) = post(
        &m.h,
        "/api/v1/dispute-screenings",
        &m.h.tokens.worker,
        &entry,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut special = entry.clone();
    special["kind"] = json!("special");
    let (status, _) = post(&m.h, "/api/v1/dispute-screenings", op, &special).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, s) = post(&m.h, "/api/v1/dispute-screenings", op, &entry).await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let id = s["id"].as_i64().unwrap();
    assert_eq!(
        (s["answered"].as_i64(), s["overdue"].as_bool()),
        (Some(0), Some(false))
    );
    let units = s["units"].as_i64().unwrap();
    assert!(units >= 2, "every village of the township: {s}");

    // The grid's village answers by registering a dispute found in the campaign.
    let village = &m.h.grid[..12];
    let mut found = m.intake("jf-scr-0001");
    found["screening_id"] = json!(id);
    let (status, d) = post(&m.h, "/api/v1/disputes", op, &found).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    // Another village answers 零报告, once.
    let (_, detail) = get(&m.h, &format!("/api/v1/dispute-screenings/{id}"), op).await;
    let other = detail["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] != village)
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let zero = format!("/api/v1/dispute-screenings/{id}/zero-report");
    let (status, u) = post(
        &m.h,
        &zero,
        op,
        &json!({"unit_code": other, "note": "经排查无矛盾纠纷"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{u}");
    assert_eq!(u["status"], "zero");
    let (status, _) = post(&m.h, &zero, op, &json!({"unit_code": other})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = post(&m.h, &zero, op, &json!({"unit_code": village})).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a unit that reported disputes needs no 零报告"
    );

    let (_, detail) = get(&m.h, &format!("/api/v1/dispute-screenings/{id}"), op).await;
    let status_of = |code: &str| {
        detail["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["code"] == code)
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        (status_of(village), status_of(&other)),
        ("disputes".to_owned(), "zero".to_owned())
    );
    assert_eq!(detail["screening"]["answered"], 2);
    let missing = detail["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["status"] == "missing")
        .count();
    assert_eq!(missing as i64, units - 2);

    // Another township neither sees it nor registers into it.
    let other_township = m.h.t.app.cases().screening(&m.h.other_operator, id).await;
    assert!(matches!(
        other_township,
        Err(pingan_app::AppError::NotFound(_))
    ));
    let mut elsewhere = m.intake("jf-scr-0002");
    elsewhere["screening_id"] = json!(id);
    elsewhere["lat"] = Value::Null;
    elsewhere["lon"] = Value::Null;
    elsewhere["address"] = json!("其他乡镇某地");
    let other_grid =
        m.h.t
            .app
            .cases()
            .form_grids(&m.h.commander)
            .await
            .unwrap()
            .into_iter()
            .find(|(g, _)| !g.starts_with(TOWNSHIP))
            .unwrap()
            .0;
    elsewhere["grid_code"] = json!(other_grid);
    let (status, e) = post(&m.h, "/api/v1/disputes", &m.h.tokens.commander, &elsewhere).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
}

#[tokio::test]
async fn the_pages_register_assign_and_show_a_dispute_escaped() {
    let m = Mediation::new().await;
    // The operator, signed in on the web (its first-login setup was done by `actor`).
    let mut ready =
        m.h.t
            .ready(
                &format!("op{TOWNSHIP}"),
                &format!("{}#Own2026x", m.h.password.len()),
            )
            .await;
    let c = crate::client();
    crate::web_login(&m.h.t, &c, &mut ready).await;
    let form = crate::page(&c, &m.h.t, "/disputes/new").await;
    assert!(
        form.contains("登记矛盾纠纷") && form.contains(&m.h.grid),
        "{form}"
    );
    let res = c
        .post(m.h.t.url("/disputes/new"))
        .form(&[
            ("client_id", "page-jf-000001"),
            ("type", "02"),
            ("source", "application"),
            ("title", "<script>alert(1)</script>邻里纠纷"),
            ("facts", "两户因排水发生争执"),
            ("grid_code", m.h.grid.as_str()),
            ("address", "某小区 3 栋"),
            ("people_count", "2"),
            ("applicant", "李德明"),
            ("applicant_phone", "13800138000"),
            ("respondent", "张国强"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = to.trim_start_matches("/disputes/").parse().unwrap();
    let act = |pairs: Vec<(&'static str, String)>| {
        let c = c.clone();
        let url = m.h.t.url(&format!("/disputes/{id}/act"));
        async move { c.post(url).form(&pairs).send().await.unwrap() }
    };
    assert_eq!(
        act(vec![("action", "accept".into())]).await.status(),
        StatusCode::SEE_OTHER
    );
    let res = act(vec![
        ("action", "assign".into()),
        ("organisation_id", m.committee.to_string()),
        ("assist", m.h.police_id.to_string()),
    ])
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A refusal re-renders the case page with its message.
    let res = act(vec![("action", "fail".into()), ("reason", "x".into())]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("只有"));
    let html = crate::page(&c, &m.h.t, &format!("/disputes/{id}")).await;
    assert!(
        html.contains("alert(1)") && html.contains("邻里纠纷"),
        "the title is shown"
    );
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("（协办）") && html.contains("李**") && !html.contains("13800138000"));
    let list = crate::page(&c, &m.h.t, "/disputes").await;
    assert!(list.contains(&format!("/disputes/{id}")));
    let stats = crate::page(&c, &m.h.t, "/disputes/stats").await;
    assert!(stats.contains("调解成功率") && stats.contains("同比"));
    let orgs = crate::page(&c, &m.h.t, "/mediation").await;
    assert!(orgs.contains("通川区道路交通事故纠纷人民调解委员会"));
    let screenings = crate::page(&c, &m.h.t, "/disputes/screenings").await;
    assert!(screenings.contains("发起排查"));
}

#[tokio::test]
async fn the_signed_agreement_is_photographed_back_onto_the_dispute() {
    let m = Mediation::new().await;
    let id = m.mediating("jf-scan-0001").await;
    let upload = |token: String| {
        let url = m.h.t.url(&format!("/api/v1/disputes/{id}/photos"));
        async move {
            let part = reqwest::multipart::Part::bytes(crate::events::PNG.to_vec())
                .file_name("协议书.png");
            let form = reqwest::multipart::Form::new().part("file", part);
            reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    // Not before a written agreement.
    assert_eq!(
        upload(m.mediator.clone()).await.status(),
        StatusCode::CONFLICT
    );
    m.ok(
        id,
        &m.mediator,
        json!({"action": "succeed", "agreement": "written", "content": "赔偿 1000 元并赔礼道歉"}),
    )
    .await;
    // A grid worker of the place may see it but not attach to it.
    assert_eq!(
        upload(m.h.tokens.worker.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    let res = upload(m.mediator.clone()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let photos: Value = res.json().await.unwrap();
    assert_eq!(photos[0]["stage_label"], "签字协议书");
    let url = photos[0]["url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("/api/v1/disputes/{id}/photos/")),
        "{url}"
    );
    let res = reqwest::Client::new()
        .get(m.h.t.url(&url))
        .bearer_auth(&m.h.tokens.operator)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            res.status(),
            res.headers()["content-type"].to_str().unwrap()
        ),
        (StatusCode::OK, "image/png")
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), crate::events::PNG);
    let (_, detail) = get(
        &m.h,
        &format!("/api/v1/disputes/{id}"),
        &m.h.tokens.operator,
    )
    .await;
    assert_eq!(detail["scans"].as_array().unwrap().len(), 1);
    // Another township sees neither the dispute nor its photo.
    let photo_id = photos[0]["id"].as_i64().unwrap();
    let other =
        m.h.t
            .app
            .cases()
            .dispute_photo(&m.h.other_operator, id, photo_id)
            .await;
    assert!(matches!(other, Err(pingan_app::AppError::NotFound(_))));
}
