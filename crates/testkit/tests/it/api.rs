//! The JSON API over HTTP, against the real server.

use crate::client;
use pingan_app::AppConfig;
use pingan_testkit::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn token(t: &TestApp, username: &str, password: &str) -> String {
    let res = client()
        .post(t.url("/api/v1/session"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["user"]["username"], username);
    body["token"].as_str().unwrap().to_owned()
}

pub(crate) async fn get(t: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    let res = client()
        .get(t.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A request without a session.
async fn get_public(t: &TestApp, path: &str) -> Value {
    client()
        .get(t.url(path))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn healthz_names_the_backend() {
    let t = TestApp::spawn().await;
    let body: Value = get_public(&t, "/healthz").await;
    assert_eq!(body["status"], "ok");
    let expected = if t.db.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(body["database"], expected);
}

#[tokio::test]
async fn login_refuses_wrong_passwords_and_unknown_users_alike() {
    let (t, demo) = TestApp::spawn_demo().await;
    let attempt = |user: &'static str, pass: String| {
        let url = t.url("/api/v1/session");
        async move {
            let res = client()
                .post(url)
                .json(&json!({"username": user, "password": pass}))
                .send()
                .await
                .unwrap();
            (
                res.status(),
                res.headers()["content-type"].to_str().unwrap().to_owned(),
                res.json::<Value>().await.unwrap(),
            )
        }
    };
    let (s1, ct, wrong) = attempt("admin", "Wrong#Pass1".into()).await;
    let (s2, _, unknown) = attempt("nobody", "Wrong#Pass1".into()).await;
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(ct, "application/problem+json");
    assert_eq!(
        wrong, unknown,
        "the answer never tells whether a username exists"
    );
    assert_eq!(wrong["code"], "login_failed");
    assert_eq!(wrong["detail"], "用户名或密码错误");
    let (ok, _, _) = attempt("admin", demo.admin_password.clone().unwrap()).await;
    assert_eq!(ok, StatusCode::CREATED);
    let bad_body = client()
        .post(t.url("/api/v1/session"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_body.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn api_needs_a_session_and_logout_ends_it() {
    let (t, demo) = TestApp::spawn_demo().await;
    let (status, body) = get(&t, "not-a-token", "/api/v1/org-units").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthenticated");
    let res = client().get(t.url("/api/v1/grids")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let tok = crate::ready_token(&t, "commander", &demo).await;
    assert_eq!(get(&t, &tok, "/api/v1/org-units").await.0, StatusCode::OK);
    let res = client()
        .delete(t.url("/api/v1/session"))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        get(&t, &tok, "/api/v1/org-units").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_first_login_must_finish_its_setup_before_using_the_api() {
    let (t, demo) = TestApp::spawn_demo().await;
    let tok = token(&t, "admin", demo.admin_password.as_deref().unwrap()).await;
    let (status, body) = get(&t, &tok, "/api/v1/org-units").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "account_setup_required");
    assert!(body["detail"].as_str().unwrap().contains("修改初始密码"));
    let res = client()
        .delete(t.url("/api/v1/session"))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NO_CONTENT,
        "signing out is always allowed"
    );

    // An administrator with a new password still needs the second factor.
    let mut admin = t
        .ready("admin", demo.admin_password.as_deref().unwrap())
        .await;
    let res = client()
        .post(t.url("/api/v1/session"))
        .json(&json!({"username": "admin", "password": admin.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "totp_required");
    let code = admin.next_code().await.unwrap();
    let res = client()
        .post(t.url("/api/v1/session"))
        .json(&json!({"username": "admin", "password": admin.password, "totp": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let replay = client()
        .post(t.url("/api/v1/session"))
        .json(&json!({"username": "admin", "password": admin.password, "totp": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        replay.status(),
        StatusCode::UNAUTHORIZED,
        "a code works once"
    );
}

#[tokio::test]
async fn idle_sessions_expire() {
    let t = TestApp::spawn_with(AppConfig {
        session_idle: std::time::Duration::ZERO,
        ..AppConfig::default()
    })
    .await;
    t.app
        .load_demo(pingan_app::demo::DemoScale::Small)
        .await
        .unwrap();
    crate::add_user(&t, "tester", "", "511702", "commander", "Idle#Test2026")
        .await
        .unwrap();
    let tok = token(&t, "tester", "Idle#Test2026").await;
    let (status, body) = get(&t, &tok, "/api/v1/org-units").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["detail"], "登录已超时，请重新登录");
}

#[tokio::test]
async fn org_units_list_children_with_counts() {
    let (t, demo) = TestApp::spawn_demo().await;
    let tok = crate::ready_token(&t, "commander", &demo).await;
    let (status, top) = get(&t, &tok, "/api/v1/org-units").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(top[0]["code"], "511702");
    assert_eq!(top[0]["name"], "通川区");
    assert_eq!(top[0]["level"], "district");
    assert_eq!(top[0]["grid_count"], 36);

    let (_, townships) = get(&t, &tok, "/api/v1/org-units?parent=511702").await;
    let townships = townships.as_array().unwrap();
    assert_eq!(townships.len(), 18);
    let names: Vec<&str> = townships
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"东城街道") && names.contains(&"安云乡") && names.contains(&"罗江镇"));
    assert!(townships.iter().all(|u| u["level"] == "township"));
    // Every township lists its official villages and communities (2023 statistical codes), 209
    // in all, whether or not the demo gave them grids.
    let children = |code: &str| {
        townships.iter().find(|u| u["code"] == code).unwrap()["child_count"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(children("511702001"), 15, "东城街道");
    assert_eq!(children("511702105"), 24, "双龙镇");
    assert_eq!(children("511702111"), 7, "梓桐镇");
    assert_eq!(
        townships
            .iter()
            .map(|u| u["child_count"].as_i64().unwrap())
            .sum::<i64>(),
        209
    );

    let (_, villages) = get(&t, &tok, "/api/v1/org-units?parent=511702001").await;
    assert_eq!(villages[0]["name"], "二马路社区");
    assert_eq!(villages[0]["provenance"], "official");

    let (status, body) = get(&t, &tok, "/api/v1/org-units?parent=511702999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["detail"].as_str().unwrap().contains("511702999"));
    let (status, body) = get(&t, &tok, "/api/v1/org-units?parent=51170x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["detail"], "组织编码只能由数字组成");
}

#[tokio::test]
async fn locate_finds_the_grid_and_its_chain() {
    let (t, demo) = TestApp::spawn_demo().await;
    let tok = crate::ready_token(&t, "commander", &demo).await;
    // Take a grid's own label point from the GeoJSON and ask where it lies.
    let (_, fc) = get(&t, &tok, "/api/v1/grids").await;
    let features = fc["features"].as_array().unwrap();
    assert_eq!(features.len(), 36);
    for f in features.iter().step_by(7) {
        let [lon, lat] = [
            f["properties"]["label"][0].as_f64().unwrap(),
            f["properties"]["label"][1].as_f64().unwrap(),
        ];
        let (status, located) = get(
            &t,
            &tok,
            &format!("/api/v1/grids/locate?lat={lat}&lon={lon}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(located["grid_code"], f["properties"]["code"]);
        let chain = located["chain"].as_array().unwrap();
        assert_eq!(chain.len(), 4);
        assert_eq!(chain[0]["code"], "511702");
        assert_eq!(chain[1]["name"], f["properties"]["township"]);
        assert_eq!(chain[3]["level"], "grid");
    }
    // A point in 小北街社区's grid answers the community's real name and code.
    let xiaobeijie = features
        .iter()
        .find(|f| f["properties"]["code"] == "511702002002001")
        .expect("the demo gives 小北街社区 a grid");
    let label = &xiaobeijie["properties"]["label"];
    let (_, located) = get(
        &t,
        &tok,
        &format!(
            "/api/v1/grids/locate?lat={}&lon={}",
            label[1].as_f64().unwrap(),
            label[0].as_f64().unwrap()
        ),
    )
    .await;
    let village = &located["chain"][2];
    assert_eq!(
        (village["code"].as_str(), village["name"].as_str()),
        (Some("511702002002"), Some("小北街社区"))
    );
    let (status, body) = get(&t, &tok, "/api/v1/grids/locate?lat=39.9&lon=116.4").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["detail"].as_str().unwrap().contains("不在本辖区"));
    let (status, body) = get(&t, &tok, "/api/v1/grids/locate?lat=95&lon=107.5").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["detail"].as_str().unwrap().contains("纬度"));
    let (status, body) = get(&t, &tok, "/api/v1/grids/locate?lon=107.5").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["detail"].as_str().unwrap().contains("缺少参数 lat"));
}

#[tokio::test]
async fn grid_geojson_is_limited_to_the_users_scope() {
    let (t, _) = TestApp::spawn_demo().await;
    crate::add_user(
        &t,
        "xicheng",
        "西城操作员",
        "511702002",
        "operator",
        "West#Town2026",
    )
    .await
    .unwrap();
    let tok = token(&t, "xicheng", "West#Town2026").await;
    let (_, fc) = get(&t, &tok, "/api/v1/grids").await;
    let features = fc["features"].as_array().unwrap();
    assert_eq!(features.len(), 2);
    assert!(features.iter().all(|f| {
        f["properties"]["code"]
            .as_str()
            .unwrap()
            .starts_with("511702002")
    }));
}

#[tokio::test]
async fn openapi_describes_every_endpoint() {
    let t = TestApp::spawn().await;
    let doc: Value = get_public(&t, "/api/v1/openapi.json").await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/healthz",
        "/api/v1/session",
        "/api/v1/org-units",
        "/api/v1/grids",
        "/api/v1/grids/locate",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["paths"]["/api/v1/session"]["delete"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["Problem"]["properties"]["code"].is_object());
}
