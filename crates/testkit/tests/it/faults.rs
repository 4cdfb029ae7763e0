//! Issue 12: the faults found by probing the running hub as a hostile tester would. Each test here
//! failed before its fix; the rule each fix follows is in its doc comment.

use crate::{client, ready_token};
use pingan_testkit::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

/// Rule: every text filter has a length cap and escapes `LIKE` wildcards; a too-long one is a 400
/// naming the limit (a 60,000-character `q` used to answer 500).
#[tokio::test]
async fn a_huge_search_text_is_a_400_naming_the_limit_and_wildcards_match_themselves() {
    let (t, demo) = TestApp::spawn_demo().await;
    let token = ready_token(&t, "commander", &demo).await;
    let huge = "ab_".repeat(20_000);
    for path in [
        "/api/v1/events",
        "/api/v1/households",
        "/api/v1/places",
        "/api/v1/channels",
        "/api/v1/devices",
        "/api/v1/persons",
        "/api/v1/places/export",
        "/api/v1/households/export",
    ] {
        let res = client()
            .get(t.url(path))
            .query(&[("q", huge.as_str())])
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}");
        let body: Value = res.json().await.unwrap();
        assert!(
            body["detail"].as_str().unwrap().contains("最多 64 个字"),
            "{path}: {body}"
        );
    }
    // A `%` typed into the box finds titles with a `%`, not every event.
    let res = client()
        .get(t.url("/api/v1/events?q=%25"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["items"].as_array().unwrap().len(), 0, "{body}");
}

/// An audit administrator's view of the records of `action`, newest first.
async fn audit_of(t: &TestApp, action: &str) -> Vec<pingan_app::AuditView> {
    let auditor = match crate::add_user(
        t,
        "auditor9",
        "审计员",
        "511702",
        "auditor",
        "Audit#Only2026",
    )
    .await
    {
        Ok(()) | Err(pingan_app::AppError::Conflict(_)) => {
            crate::signed_in(t, "auditor9", "Audit#Only2026").await
        }
        Err(e) => panic!("{e}"),
    };
    let filter = pingan_app::AuditFilter {
        action_prefix: Some(action.into()),
        ..Default::default()
    };
    t.app
        .access()
        .search_audit(&pingan_app::Actor::user(auditor, None), &filter, 1000)
        .await
        .unwrap()
}

/// Rule: a wrong current password counts like a failed login (lockout) and is audited.
#[tokio::test]
async fn guessing_the_current_password_is_locked_out_and_audited() {
    let t = TestApp::spawn().await;
    crate::add_user(&t, "guessed", "", "511702", "leader", "Guess#Me2026")
        .await
        .unwrap();
    let me = crate::signed_in(&t, "guessed", "Guess#Me2026").await;
    let actor = pingan_app::Actor::user(me, Some("10.9.9.9".into()));
    for i in 0..4 {
        let e = t
            .app
            .access()
            .change_own_password(&actor, &format!("Wrong#{i}x2026"), "New#Pass2026x")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("当前密码不正确"), "{e}");
    }
    let e = t
        .app
        .access()
        .change_own_password(&actor, "Wrong#5x2026", "New#Pass2026x")
        .await
        .unwrap_err();
    assert!(matches!(e, pingan_app::AppError::TooManyAttempts(_)), "{e}");
    // Locked: even the right password is not checked now.
    let e = t
        .app
        .access()
        .change_own_password(&actor, "Guess#Me2026x", "New#Pass2026x")
        .await
        .unwrap_err();
    assert!(matches!(e, pingan_app::AppError::TooManyAttempts(_)), "{e}");
    let rows = audit_of(&t, "user.passwd.self").await;
    assert_eq!(
        rows.iter().filter(|r| r.event.result == "failed").count(),
        5
    );
    assert_eq!(
        rows.iter().filter(|r| r.event.result == "denied").count(),
        1
    );
}

/// Rule: inputs are capped before they reach the audit chain (a 900 KB username used to write a
/// 900 KB audit row).
#[tokio::test]
async fn a_huge_username_is_refused_before_any_audit() {
    let t = TestApp::spawn().await;
    let res = client()
        .post(t.url("/api/v1/session"))
        .json(&serde_json::json!({"username": "a".repeat(900 * 1024), "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("用户名最多 64 个字符")
    );
    let page = client()
        .post(t.url("/login"))
        .form(&[
            ("username", "b".repeat(500_000).as_str()),
            ("password", "x"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert!(page.status().is_client_error(), "{}", page.status());
    for row in audit_of(&t, "login").await {
        assert!(
            row.event.username.len() <= 4 * 128,
            "{}",
            row.event.username.len()
        );
    }
}

/// Rule: every extractor rejection of the API is problem+json with a Chinese detail naming the
/// field (714 of 1,819 bad bodies used to answer axum's English text).
#[tokio::test]
async fn bad_bodies_paths_and_queries_answer_problem_json_in_chinese() {
    let (t, demo) = TestApp::spawn_demo().await;
    let token = ready_token(&t, "commander", &demo).await;
    let posts = [
        "/api/v1/events",
        "/api/v1/events/1/actions",
        "/api/v1/routing-rules",
        "/api/v1/persons",
        "/api/v1/places",
        "/api/v1/special-groups",
        "/api/v1/persons/1/groups",
        "/api/v1/persons/1/tags",
        "/api/v1/places/1/tenants",
        "/api/v1/visits",
        "/api/v1/visit-policies",
        "/api/v1/session",
    ];
    let bodies: [(&str, &str); 4] = [
        ("application/json", "{\"title\": "),
        ("application/json", "[1, 2, 3]"),
        ("text/plain", "{}"),
        ("application/json", "{\"client_id\": 5, \"lat\": \"north\"}"),
    ];
    let mut checked = 0;
    for path in posts {
        for (kind, body) in bodies {
            let res = client()
                .post(t.url(path))
                .bearer_auth(&token)
                .header("content-type", kind)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            if status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED {
                continue;
            }
            let ctype = res.headers()["content-type"].to_str().unwrap().to_owned();
            let text = res.text().await.unwrap();
            assert!(status.is_client_error(), "{path} {body}: {status} {text}");
            assert_eq!(ctype, "application/problem+json", "{path} {body}: {text}");
            let problem: Value = serde_json::from_str(&text).unwrap();
            let detail = problem["detail"].as_str().unwrap();
            assert!(
                !detail.is_ascii() && !detail.contains("Failed to"),
                "{path} {body}: {detail}"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 32,
        "only {checked} combinations reached a handler"
    );
    // Pages say the same on an error page.
    let mut op = t
        .ready("op511702001", demo.account_password.as_deref().unwrap())
        .await;
    let c = client();
    crate::web_login(&t, &c, &mut op).await;
    for path in ["/persons/abc", "/events/1x"] {
        let res = c.get(t.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains("不是有效的编号") && !html.contains("Invalid URL"),
            "{path}"
        );
    }
    for path in [
        "/api/v1/events/abc",
        "/api/v1/persons/1x",
        "/api/v1/events?limit=many",
    ] {
        let res = client()
            .get(t.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let problem: Value = res.json().await.unwrap();
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("abc") || detail.contains("1x") || detail.contains("limit"),
            "{detail}"
        );
    }
}

/// Rule: each route declares its own body limit where it is routed (a 1.7 MB sheet on the route
/// meant for large files and a 2 MB photo on the visit page used to get 413 from a path match).
#[tokio::test]
async fn each_route_takes_the_uploads_it_declares() {
    let (t, demo) = TestApp::spawn_demo().await;
    let (c, mut ready) = crate::commander_on_the_web(&t, &demo).await;
    let token = t.token(&mut ready).await;
    let junk = vec![0x5au8; 1_700_000];
    let res = client()
        .post(t.url("/api/v1/persons/import/jobs"))
        .bearer_auth(&token)
        .body(junk.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let res = client()
        .post(t.url("/api/v1/persons/import"))
        .bearer_auth(&token)
        .body(junk)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains(".xlsx"), "{body}");
    // Beyond a sheet's limit: 413 at once, naming the limit.
    let res = client()
        .post(t.url("/api/v1/persons/import"))
        .bearer_auth(&token)
        .body(vec![0u8; 33 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = res.json().await.unwrap();
    assert!(body["detail"].as_str().unwrap().contains("32 MB"), "{body}");
    // A JSON route keeps its 1 MB.
    let res = client()
        .post(t.url("/api/v1/events"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(vec![b' '; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // The visit page takes a 2 MB photo (refused for what it is, not for its size).
    let form = reqwest::multipart::Form::new().text("kind", "home").part(
        "photos",
        reqwest::multipart::Part::bytes(vec![0xffu8; 2 * 1024 * 1024]).file_name("a.jpg"),
    );
    let res = c
        .post(t.url("/persons/1/visit"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(!res.status().is_server_error(), "{}", res.status());
}

/// Rule: `next` is a same-site path checked by parsing, never a prefix test; `/login` refuses a
/// post from another site's page (login CSRF).
#[tokio::test]
async fn login_stays_on_this_site_and_refuses_other_sites_pages() {
    let t = TestApp::spawn().await;
    crate::add_user(&t, "nextuser", "", "511702", "leader", "Next#User2026")
        .await
        .unwrap();
    let ready = t.ready("nextuser", "Next#User2026").await;
    let post = |next: &'static str, origin: Option<&'static str>| {
        let mut req = client().post(t.url("/login")).form(&[
            ("username", ready.username.as_str()),
            ("password", ready.password.as_str()),
            ("next", next),
        ]);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.send()
    };
    for (next, expected) in [
        ("/\t/127.0.0.2:18399/pwned", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
        ("//evil.example/", "/"),
        ("/events?state=open", "/events?state=open"),
    ] {
        let res = post(next, None).await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(res.headers()["location"], expected, "{next:?}");
    }
    let res = post("/", Some("http://evil.example")).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers().get("set-cookie").is_none());
    let same = t.base_url.clone();
    let res = client()
        .post(t.url("/login"))
        .header("origin", same)
        .form(&[
            ("username", "nextuser"),
            ("password", ready.password.as_str()),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

/// Rule: any answer that carries another case passes the visibility rule of
/// `GET /api/v1/events/{id}`: the duplicate hints of an intake list only what the reporter may
/// open (a citizen used to see other people's events near the point, a handler other
/// departments' events).
#[tokio::test]
async fn duplicate_hints_list_only_events_the_reporter_may_open() {
    use pingan_app::EventIntake;
    let h = crate::events::Hub::new().await;
    let theirs = h.report("hint-0001").await;
    // The grid worker who reported it is told of it when reporting it again.
    let again =
        h.t.app
            .cases()
            .report_event(
                &h.worker,
                &h.intake("hint-0002", "治安隐患", "小区门口聚集可疑人员"),
            )
            .await
            .unwrap();
    assert!(again.duplicates.iter().any(|d| d.id == theirs.id));
    // A citizen at the same point is not.
    let citizen = h.citizen("hinted01").await;
    let mine =
        h.t.app
            .cases()
            .report_event(
                &citizen,
                &EventIntake {
                    channel: "citizen".into(),
                    ..h.intake("hint-0003", "治安隐患", "小区门口聚集可疑人员")
                },
            )
            .await
            .unwrap();
    assert!(mine.duplicates.is_empty(), "{:?}", mine.duplicates);
    // Nor the police station's handler, to whom it was never dispatched.
    let police =
        h.t.app
            .cases()
            .report_event(
                &h.police,
                &h.intake("hint-0004", "治安隐患", "小区门口聚集可疑人员"),
            )
            .await
            .unwrap();
    assert!(
        police.duplicates.iter().all(|d| d.id != theirs.id),
        "{:?}",
        police.duplicates
    );
}

/// Rule: an idempotency key is its author's: resending another user's `client_id` is a 409 that
/// reveals nothing (it used to return that user's event, title, description and point).
#[tokio::test]
async fn another_users_client_id_is_a_409_that_reveals_nothing() {
    let h = crate::events::Hub::new().await;
    let theirs = h.report("resend-0001").await;
    let res = client()
        .post(h.t.url("/api/v1/events"))
        .bearer_auth(&h.tokens.operator)
        .json(&serde_json::json!({
            "client_id": "resend-0001", "channel": "hotline_12345", "category": "治安隐患",
            "title": "探测", "description": "", "lat": h.point.1, "lon": h.point.0
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let text = res.text().await.unwrap();
    assert!(
        !text.contains(&theirs.title) && !text.contains("网格员巡查发现"),
        "{text}"
    );
    // The author resending gets their own event back.
    let res = client()
        .post(h.t.url("/api/v1/events"))
        .bearer_auth(&h.tokens.worker)
        .json(&serde_json::json!({
            "client_id": "resend-0001", "channel": "grid_worker", "category": "治安隐患",
            "title": "小区门口聚集可疑人员", "lat": h.point.1, "lon": h.point.0
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["id"].as_i64(), body["created"].as_bool()),
        (Some(theirs.id), Some(false))
    );
}

/// The first grid of an actor's scope.
pub(crate) async fn a_grid_of(t: &TestApp, actor: &pingan_app::Actor) -> String {
    let grids = t
        .app
        .org()
        .grid_features(actor.user.as_ref().unwrap())
        .await
        .unwrap();
    grids["features"][0]["properties"]["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Rule: a write keyed by a natural key (ID number) never reaches a row outside the caller's
/// scope; it is refused without saying where the person lives (an import used to move another
/// township's resident into the importer's grid).
#[tokio::test]
async fn an_import_never_takes_over_another_townships_resident() {
    use crate::persons::{as_rows, people, sheet};
    let h = crate::events::Hub::new().await;
    let good = people();
    h.t.app
        .registry()
        .import_persons(&h.operator, &sheet(&as_rows(&good)), Some(&h.grid))
        .await
        .unwrap();
    let theirs = a_grid_of(&h.t, &h.other_operator).await;
    let mut taken = good.clone();
    taken[0][0] = "冒名顶替".into();
    let report =
        h.t.app
            .registry()
            .import_persons(
                &h.other_operator,
                &sheet(&as_rows(&taken[..1])),
                Some(&theirs),
            )
            .await
            .unwrap();
    assert_eq!(
        (report.inserted, report.updated, report.rejected_rows),
        (0, 0, 1),
        "{report:?}"
    );
    let cell = &report.rejected[0];
    assert_eq!((cell.row, cell.column.as_str()), (2, "公民身份号码"));
    assert!(cell.reason.contains("已在其他辖区登记"), "{}", cell.reason);
    assert!(!cell.reason.contains("511702001") && !cell.reason.contains("东城"));
    // Still where they were, as they were; the other township does not see them.
    let pingan_app::Listed {
        rows: found,
        total: n,
        ..
    } =
        h.t.app
            .registry()
            .persons(
                h.operator.user.as_ref().unwrap(),
                &pingan_app::PersonQuery {
                    q: Some("三丰".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(
        (n.count, found[0].grid_code.as_str(), found[0].name.as_str()),
        (1, h.grid.as_str(), "张**")
    );
    let none =
        h.t.app
            .registry()
            .persons(
                h.other_operator.user.as_ref().unwrap(),
                &pingan_app::PersonQuery {
                    q: Some("冒名".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert!(none.rows.is_empty());
    // The same for the phone's quick add: refused, nowhere named.
    let entry = pingan_app::PersonEntry {
        grid: theirs.clone(),
        name: "冒名顶替".into(),
        id_number: good[0][1].clone(),
        address: "别处 1 号".into(),
        ..Default::default()
    };
    let e =
        h.t.app
            .registry()
            .add_person(
                &h.other_operator,
                h.other_operator.user.as_ref().unwrap(),
                &entry,
            )
            .await
            .unwrap_err();
    assert!(matches!(e, pingan_app::AppError::Conflict(_)), "{e}");
}

/// Rule: the same for places keyed by their credit code, through the form, the API and the
/// import.
#[tokio::test]
async fn a_credit_code_never_takes_over_another_townships_place() {
    use crate::places::{SHOP, sheet};
    let h = crate::events::Hub::new().await;
    let row = [
        "川东物流有限公司",
        "非公有制经济组织",
        "西外大街 8 号",
        SHOP,
        "李经理",
        "",
    ];
    h.t.app
        .registry()
        .import_places(&h.operator, &sheet(&[row]), Some(&h.grid))
        .await
        .unwrap();
    let theirs = a_grid_of(&h.t, &h.other_operator).await;
    let mut taken = row;
    taken[0] = "冒名物流公司";
    let report =
        h.t.app
            .registry()
            .import_places(&h.other_operator, &sheet(&[taken]), Some(&theirs))
            .await
            .unwrap();
    assert_eq!(
        (report.inserted, report.updated, report.rejected_rows),
        (0, 0, 1),
        "{report:?}"
    );
    assert!(report.rejected[0].reason.contains("已在其他辖区登记"));
    let entry = pingan_app::PlaceEntry {
        grid: theirs,
        name: "冒名物流公司".into(),
        category: "非公有制经济组织".into(),
        address: "别处".into(),
        credit_code: SHOP.into(),
        ..Default::default()
    };
    let e =
        h.t.app
            .registry()
            .save_place(
                &h.other_operator,
                h.other_operator.user.as_ref().unwrap(),
                &entry,
            )
            .await
            .unwrap_err();
    assert!(matches!(e, pingan_app::AppError::Conflict(_)), "{e}");
    let found =
        h.t.app
            .registry()
            .places(
                h.operator.user.as_ref().unwrap(),
                &pingan_app::PlaceQuery {
                    q: Some(SHOP.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(found.rows[0].name, "川东物流有限公司");
}

/// Rule: the same for cameras keyed by their device and channel IDs: a township's commander
/// cannot move another township's cameras to their own map, nor change their device passwords.
#[tokio::test]
async fn a_device_id_never_takes_over_another_townships_camera() {
    let h = crate::events::Hub::new().await;
    h.t.app
        .video()
        .import_video_registry(&h.commander, &crate::video_registry::registry(h.point))
        .await
        .unwrap();
    crate::add_user(
        &h.t,
        "cmd002",
        "",
        crate::events::OTHER_TOWNSHIP,
        "commander",
        "Other#Cmd2026",
    )
    .await
    .unwrap();
    let other = pingan_app::Actor::user(
        crate::signed_in(&h.t, "cmd002", "Other#Cmd2026").await,
        None,
    );
    let grids =
        h.t.app
            .org()
            .grid_features(other.user.as_ref().unwrap())
            .await
            .unwrap();
    let label = &grids["features"][0]["properties"]["label"];
    let theirs = (label[0].as_f64().unwrap(), label[1].as_f64().unwrap());
    let report =
        h.t.app
            .video()
            .import_video_registry(&other, &crate::video_registry::registry(theirs))
            .await
            .unwrap();
    assert_eq!(report.channels, 0, "{report:?}");
    assert!(
        report
            .rejected
            .iter()
            .any(|c| c.reason.contains("已在其他辖区登记")),
        "{report:?}"
    );
    let own = h.operator.user.clone().unwrap();
    let (mine, n) =
        h.t.app
            .video()
            .channel_list(&own, &pingan_app::ChannelQuery::default())
            .await
            .unwrap();
    assert_eq!(n, 3);
    assert!(mine.iter().all(|c| {
        c.grid_code
            .as_deref()
            .is_some_and(|g| g.starts_with(crate::events::TOWNSHIP))
    }));
}

/// A small deterministic generator (xorshift64*), so that a failing body can be reproduced.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Some JSON value: the awkward ones a hostile client sends.
    fn value(&mut self, depth: u32) -> Value {
        let strings = [
            "",
            " ",
            "0",
            "-1",
            "朝阳路",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%_\\",
            "\u{0}\r\n",
            "1e309",
            "51170200100100100",
            "9999-99-99",
            "2026-02-30T25:61:00Z",
            "🙂",
            "../../etc/passwd",
        ];
        match self.below(if depth > 2 { 6 } else { 8 }) {
            0 => Value::Null,
            1 => Value::Bool(self.below(2) == 0),
            2 => serde_json::json!(self.next() as i64),
            3 => serde_json::json!((self.next() as f64) / 7.0 - 1e18),
            4 => Value::String(strings[self.below(strings.len() as u64) as usize].into()),
            5 => Value::String("长".repeat(self.below(5000) as usize)),
            6 => Value::Array((0..self.below(4)).map(|_| self.value(depth + 1)).collect()),
            _ => {
                let mut m = serde_json::Map::new();
                for i in 0..self.below(4) {
                    m.insert(format!("k{i}"), self.value(depth + 1));
                }
                Value::Object(m)
            }
        }
    }
}

/// Rule: the JSON body of every POST the API documents, fuzzed: never a 5xx, every refusal a
/// problem+json. The routes come from the OpenAPI document, so a new endpoint is fuzzed too.
#[tokio::test]
async fn every_documented_post_survives_hostile_json() {
    let (t, demo) = TestApp::spawn_demo().await;
    let token = ready_token(&t, "commander", &demo).await;
    let api: Value = client()
        .get(t.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let schemas = &api["components"]["schemas"];
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let mut sent = 0;
    for (path, ops) in api["paths"].as_object().unwrap() {
        let Some(schema) =
            ops["post"]["requestBody"]["content"]["application/json"]["schema"].as_object()
        else {
            continue;
        };
        let fields: Vec<String> = schema
            .get("$ref")
            .and_then(|r| r.as_str())
            .and_then(|r| r.rsplit('/').next())
            .and_then(|name| schemas[name]["properties"].as_object())
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        let url = t.url(&path.replace("{id}", "1").replace("{code}", "ZZ01"));
        for _ in 0..40 {
            let body = if fields.is_empty() || noise.below(4) == 0 {
                noise.value(0)
            } else {
                let mut m = serde_json::Map::new();
                for f in &fields {
                    if noise.below(5) != 0 {
                        m.insert(f.clone(), noise.value(1));
                    }
                }
                Value::Object(m)
            };
            let res = client()
                .post(&url)
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            assert!(
                !status.is_server_error(),
                "{path} answered {status} to {body}"
            );
            if status.is_client_error() {
                assert_eq!(
                    res.headers()["content-type"],
                    "application/problem+json",
                    "{path} {status}"
                );
            }
            sent += 1;
        }
    }
    assert!(sent >= 400, "only {sent} bodies sent");
}

/// Also found: a township's hub dispatches to its own and the district's departments; another
/// township's departments only the district hub reaches (the township escalates instead).
#[tokio::test]
async fn a_township_hub_dispatches_only_to_departments_it_reaches() {
    let h = crate::events::Hub::new().await;
    let all =
        h.t.app
            .cases()
            .dispatch_departments(&h.commander)
            .await
            .unwrap();
    let theirs =
        h.t.app
            .cases()
            .dispatch_departments(&h.other_operator)
            .await
            .unwrap();
    let ours =
        h.t.app
            .cases()
            .dispatch_departments(&h.operator)
            .await
            .unwrap();
    let other_police = theirs
        .iter()
        .find(|(id, _, kind)| kind == "公安" && !ours.iter().any(|(o, _, _)| o == id))
        .map(|(id, _, _)| *id)
        .expect("the other township's police station");
    assert!(all.iter().any(|(id, _, _)| *id == other_police));
    assert!(ours.iter().any(|(id, _, _)| *id == h.police_id));
    let e = h.report("reach-0001").await;
    h.act(&h.operator, e.id, "accept").await.unwrap();
    h.act(&h.operator, e.id, "register").await.unwrap();
    let refused = h.dispatch(e.id, other_police).await.unwrap_err();
    assert!(
        matches!(refused, pingan_app::AppError::Forbidden(_)),
        "{refused}"
    );
    assert!(refused.to_string().contains("提级"), "{refused}");
    h.dispatch(e.id, h.police_id).await.unwrap();
}

/// Also found: pages, answers and exports with personal data are kept by no cache.
#[tokio::test]
async fn personal_data_is_kept_by_no_cache() {
    let (t, demo) = TestApp::spawn_demo().await;
    let (c, mut ready) = crate::commander_on_the_web(&t, &demo).await;
    let token = t.token(&mut ready).await;
    for path in ["/api/v1/persons", "/api/v1/places/export", "/api/v1/events"] {
        let res = client()
            .get(t.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    for path in ["/persons", "/events", "/special-groups"] {
        let res = c.get(t.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    let css = client()
        .get(t.url("/assets/css/pingan.css"))
        .send()
        .await
        .unwrap();
    assert_ne!(css.headers().get("cache-control").unwrap(), "no-store");
}

/// Also found: failing on someone's name locks the address failed from, not the account: its
/// owner still signs in from elsewhere (slowed), sees the failures on their account page, and
/// the 安全管理员 sees and lifts the lock.
#[tokio::test]
async fn failing_on_a_name_never_locks_its_owner_out() {
    let t = TestApp::spawn_with(pingan_app::AppConfig {
        lockout: pingan_app::LockoutPolicy {
            slow_by: std::time::Duration::from_millis(200),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    crate::add_user(&t, "victim2", "", "511702", "leader", "Right#Pass2026")
        .await
        .unwrap();
    crate::add_user(&t, "sec2", "", "511702", "secadmin", "Sec#Admin2026")
        .await
        .unwrap();
    let ready = t.ready("victim2", "Right#Pass2026").await;
    let attacker = Some("10.6.6.6".to_owned());
    for _ in 0..5 {
        let e = t
            .app
            .access()
            .login("victim2", "Wrong#Pass1", attacker.clone())
            .await
            .unwrap_err();
        assert!(matches!(e, pingan_app::AppError::LoginFailed));
    }
    assert!(matches!(
        t.app
            .access()
            .login("victim2", &ready.password, attacker.clone())
            .await,
        Err(pingan_app::AppError::TooManyAttempts(_))
    ));
    let owner = t
        .app
        .access()
        .login("victim2", &ready.password, Some("10.1.2.3".into()))
        .await
        .expect("the owner signs in from their own address");
    let failed = t.app.access().own_failed_logins(&owner.user).await.unwrap();
    assert!(failed.len() >= 5, "{failed:?}");
    assert!(
        failed
            .iter()
            .all(|f| f.source.as_deref() == Some("10.6.6.6"))
    );
    // The 安全管理员 sees the address and the slowed name, and lifts the address's lock.
    let sec = pingan_app::Actor::user(crate::signed_in(&t, "sec2", "Sec#Admin2026").await, None);
    let locks = t.app.access().login_locks(&sec).await.unwrap();
    let keys: Vec<&str> = locks.iter().map(|l| l.key.as_str()).collect();
    assert!(
        keys.contains(&"addr:10.6.6.6") && keys.contains(&"user:victim2"),
        "{keys:?}"
    );
    t.app
        .access()
        .unlock_login(&sec, "addr:10.6.6.6")
        .await
        .unwrap();
    t.app
        .access()
        .login("victim2", &ready.password, attacker)
        .await
        .expect("unlocked by the 安全管理员");
    let owner_actor = pingan_app::Actor::user(owner.user, None);
    assert!(
        t.app.access().login_locks(&owner_actor).await.is_err(),
        "only the 安全管理员"
    );
}

/// Rule: a move between townships is a request both see (迁移申请): the receiving township asks
/// by ID number without learning where the person lives; the giving township approves, and only
/// then the person moves.
#[tokio::test]
async fn a_move_between_townships_is_a_request_both_see() {
    use crate::persons::{as_rows, people, sheet};
    let h = crate::events::Hub::new().await;
    let good = people();
    h.t.app
        .registry()
        .import_persons(&h.operator, &sheet(&as_rows(&good)), Some(&h.grid))
        .await
        .unwrap();
    let (giver, taker) = (
        h.operator.user.clone().unwrap(),
        h.other_operator.user.clone().unwrap(),
    );
    let theirs = a_grid_of(&h.t, &h.other_operator).await;
    let entry = pingan_app::TransferEntry {
        id_number: good[0][1].clone(),
        to_grid: theirs.clone(),
        reason: "购房迁入".into(),
    };
    let asked =
        h.t.app
            .registry()
            .request_transfer(&h.other_operator, &taker, &entry)
            .await
            .unwrap();
    assert_eq!(
        (asked.direction, asked.state, asked.from_grid.as_ref()),
        ("outgoing", "待确认", None)
    );
    assert!(
        asked.counterpart.is_none(),
        "the asking side is not told where the person is"
    );
    let again =
        h.t.app
            .registry()
            .request_transfer(&h.other_operator, &taker, &entry)
            .await
            .unwrap_err();
    assert!(
        matches!(again, pingan_app::AppError::Conflict(_)),
        "{again}"
    );
    let mine = pingan_app::TransferEntry {
        to_grid: h.grid.clone(),
        ..entry.clone()
    };
    assert!(matches!(
        h.t.app
            .registry()
            .request_transfer(&h.operator, &giver, &mine)
            .await,
        Err(pingan_app::AppError::Invalid(_))
    ));
    // The giving township sees it, with where the person is; the asker cannot decide it.
    let incoming = h.t.app.registry().transfers(&giver).await.unwrap();
    assert_eq!(incoming.len(), 1);
    assert_eq!(
        (incoming[0].direction, incoming[0].from_grid.as_deref()),
        ("incoming", Some(h.grid.as_str()))
    );
    assert!(matches!(
        h.t.app
            .registry()
            .decide_transfer(&h.other_operator, &taker, asked.id, true, None)
            .await,
        Err(pingan_app::AppError::NotFound(_))
    ));
    assert!(matches!(
        h.t.app
            .registry()
            .decide_transfer(&h.operator, &giver, asked.id, false, None)
            .await,
        Err(pingan_app::AppError::Invalid(_))
    ));
    let find = |user: pingan_app::CurrentUser| {
        let app = h.t.app.clone();
        let id = good[0][1].clone();
        async move {
            app.registry()
                .persons(
                    &user,
                    &pingan_app::PersonQuery {
                        id_number: Some(id),
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
                .total
                .count
        }
    };
    assert_eq!(
        (find(giver.clone()).await, find(taker.clone()).await),
        (1, 0)
    );
    let done =
        h.t.app
            .registry()
            .decide_transfer(&h.operator, &giver, asked.id, true, Some("同意"))
            .await
            .unwrap();
    assert_eq!(done.state, "已同意");
    assert_eq!(
        (find(giver.clone()).await, find(taker.clone()).await),
        (0, 1)
    );
    let seen = h.t.app.registry().transfers(&taker).await.unwrap();
    assert!(seen[0].counterpart.is_some(), "decided: both sides named");
    assert!(
        matches!(
            h.t.app
                .registry()
                .decide_transfer(&h.operator, &giver, asked.id, true, None)
                .await,
            Err(pingan_app::AppError::Conflict(_))
        ),
        "decided once"
    );
}

/// The transfer and unlock handlers' refusals over HTTP: an unregistered ID number is a 404
/// problem on the API and the form again with the message on the page; only the 安全管理员 lifts
/// a lock.
#[tokio::test]
async fn transfer_and_unlock_handlers_refuse_with_a_message() {
    let (t, demo) = TestApp::spawn_demo().await;
    let (c, mut ready) = crate::commander_on_the_web(&t, &demo).await;
    let token = t.token(&mut ready).await;
    let unregistered = crate::persons::id("19700101", 999);
    let body = serde_json::json!({
        "id_number": unregistered, "to_grid": "511702001001001", "reason": "购房迁入"
    });
    let res = client()
        .post(t.url("/api/v1/transfers"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let problem: Value = res.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("尚未登记"),
        "{problem}"
    );
    let res = client()
        .post(t.url("/api/v1/transfers/999/decision"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"approve": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let page = c
        .post(t.url("/transfers"))
        .form(&[
            ("id_number", unregistered.as_str()),
            ("to_grid", "511702001001001"),
            ("reason", "购房迁入"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND, "the API's status");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("尚未登记") && html.contains(&unregistered),
        "the form again"
    );
    let res = c
        .post(t.url("/security/unlock"))
        .form(&[("key", "addr:10.1.1.1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
