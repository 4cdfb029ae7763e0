//! Bad input of every kind gets a clear 4xx and changes nothing; nothing typed is rendered raw.

use crate::client;
use pingan_app::Actor;
use pingan_domain::{OrgCode, Scope};
use pingan_testkit::TestApp;
use reqwest::StatusCode;

async fn account_count(t: &TestApp) -> usize {
    let district = Scope::org(OrgCode::parse("511702").unwrap());
    t.app
        .access()
        .list_users(&Actor::cli(), &district, 10_000)
        .await
        .unwrap()
        .len()
}

async fn admin_client(t: &TestApp) -> reqwest::Client {
    crate::add_user(t, "inputadmin", "", "511702", "sysadmin", "Input#Admin2026")
        .await
        .unwrap();
    let c = client();
    let mut ready = t.ready("inputadmin", "Input#Admin2026").await;
    crate::web_login(t, &c, &mut ready).await;
    c
}

#[tokio::test]
async fn malformed_api_bodies_are_refused_with_a_problem() {
    let t = TestApp::spawn().await;
    let c = client();
    // Each refusal names what is wrong: the JSON itself, or the field.
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "invalid UTF-8",
            b"{\"username\": \"\xff\xfe\", \"password\": \"x\"}".to_vec(),
            "JSON",
        ),
        (
            "wrong types",
            br#"{"username": 5, "password": ["x"]}"#.to_vec(),
            "字段 username 有误：类型不对，应为文字",
        ),
        ("not JSON", b"username=admin".to_vec(), "JSON"),
        (
            "missing field",
            br#"{"username": "admin"}"#.to_vec(),
            "缺少字段 password",
        ),
    ];
    for (what, body, named) in cases {
        let res = c
            .post(t.url("/api/v1/session"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{what}");
        let problem: serde_json::Value = res.json().await.unwrap();
        assert_eq!(problem["code"], "invalid_input", "{what}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(named), "{what}: {detail}");
    }
    let huge = vec![b'a'; 2 * 1024 * 1024];
    let res = c
        .post(t.url("/api/v1/session"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn bad_account_forms_change_nothing() {
    let (t, _) = TestApp::spawn_demo().await;
    let c = admin_client(&t).await;
    let before = account_count(&t).await;
    let long = "a".repeat(100);
    let long_name = "张".repeat(51);
    let cases: [(&str, [(&str, &str); 5]); 6] = [
        (
            "overlong username",
            [
                ("username", &long),
                ("org", "511702"),
                ("role", "leader"),
                ("password", "Good#Pass2026"),
                ("display_name", ""),
            ],
        ),
        (
            "SQL in the username",
            [
                ("username", "x'; DROP TABLE users;--"),
                ("org", "511702"),
                ("role", "leader"),
                ("password", "Good#Pass2026"),
                ("display_name", ""),
            ],
        ),
        (
            "overlong name",
            [
                ("username", "longname"),
                ("org", "511702"),
                ("role", "leader"),
                ("password", "Good#Pass2026"),
                ("display_name", &long_name),
            ],
        ),
        (
            "bad org code",
            [
                ("username", "badorg"),
                ("org", "5117' OR 1=1"),
                ("role", "leader"),
                ("password", "Good#Pass2026"),
                ("display_name", ""),
            ],
        ),
        (
            "unknown role",
            [
                ("username", "badrole"),
                ("org", "511702"),
                ("role", "<script>"),
                ("password", "Good#Pass2026"),
                ("display_name", ""),
            ],
        ),
        (
            "overlong password",
            [
                ("username", "longpass"),
                ("org", "511702"),
                ("role", "leader"),
                ("password", &"Aa1#".repeat(40)),
                ("display_name", ""),
            ],
        ),
    ];
    for (what, form) in cases {
        let res = c.post(t.url("/users")).form(&form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{what}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains("class=\"error\""),
            "{what}: the page says what is wrong"
        );
        assert!(
            !html.contains("<script>"),
            "{what}: nothing typed is rendered raw"
        );
    }
    assert_eq!(account_count(&t).await, before, "nothing was created");
    // The page still works: the tables are all there.
    assert_eq!(
        c.get(t.url("/users")).send().await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn html_in_a_name_is_stored_as_text_and_shown_escaped() {
    let (t, _) = TestApp::spawn_demo().await;
    let c = admin_client(&t).await;
    let xss = "<img src=x onerror=alert(1)>";
    let form = [
        ("username", "xssname"),
        ("org", "511702"),
        ("role", "leader"),
        ("password", "Good#Pass2026"),
        ("display_name", xss),
    ];
    let res = c.post(t.url("/users")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = crate::page(&c, &t, "/users").await;
    assert!(!html.contains(xss));
    assert!(html.contains("&#60;img src=x onerror=alert(1)&#62;") || html.contains("&lt;img"));
}

#[tokio::test]
async fn overlong_search_terms_and_bad_coordinates_are_refused() {
    let (t, _) = TestApp::spawn_demo().await;
    crate::add_user(&t, "inputaudit", "", "511702", "auditor", "Input#Audit2026")
        .await
        .unwrap();
    let c = client();
    let mut ready = t.ready("inputaudit", "Input#Audit2026").await;
    crate::web_login(&t, &c, &mut ready).await;
    let long = "x".repeat(10_000);
    let res = c
        .get(t.url(&format!("/audit?username={long}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    crate::add_user(&t, "inputlead", "", "511702", "leader", "Input#Lead2026")
        .await
        .unwrap();
    let res = c
        .post(t.url("/api/v1/session"))
        .json(&serde_json::json!({"username": "inputlead", "password": "Input#Lead2026"}))
        .send()
        .await
        .unwrap();
    let token = res.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    for q in [
        "lat=1e999&lon=107.5",
        "lat=NaN&lon=107.5",
        "lat=31.2&lon=' OR 1=1",
        "lat=31.2&lon=%FF",
    ] {
        let res = c
            .get(t.url(&format!("/api/v1/grids/locate?{q}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{q}");
    }
}
