//! 角色管理: roles composed from permissions by the 安全管理员, enforced at every entry point, with
//! 三员分立 and the refusals that keep the house standing.

use crate::{add_user, ready_token};
use pingan_app::{Actor, AuditFilter};
use pingan_testkit::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A signed-in 安全管理员's bearer token (the demo has none: 三员 are appointed, not generated).
async fn secadmin(t: &TestApp) -> String {
    add_user(t, "sec1", "安全员", "511702", "secadmin", "Sec#Admin2026")
        .await
        .unwrap();
    let mut ready = t.ready("sec1", "Sec#Admin2026").await;
    t.token(&mut ready).await
}

async fn get(t: &TestApp, token: &str, path: &str) -> StatusCode {
    reqwest::Client::new()
        .get(t.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

async fn send(
    t: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new()
        .request(method, t.url(path))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Every API family a registry reader must be refused, with a path that reads it.
const OTHER_FAMILIES: [&str; 14] = [
    "/api/v1/events",
    "/api/v1/stream",
    "/api/v1/visit-policies",
    "/api/v1/routing-rules",
    "/api/v1/stats/online-rate",
    "/api/v1/devices",
    "/api/v1/channels",
    "/api/v1/places",
    "/api/v1/special-groups",
    "/api/v1/visits/due",
    "/api/v1/org-units",
    "/api/v1/grids",
    "/api/v1/roles",
    "/api/v1/permissions",
];

#[tokio::test]
async fn a_custom_role_grants_exactly_its_permissions_and_a_change_applies_at_the_next_request() {
    let (t, demo) = TestApp::spawn_demo().await;
    let sec = secadmin(&t).await;
    let (status, role) = send(
        &t,
        &sec,
        reqwest::Method::POST,
        "/api/v1/roles",
        Some(json!({"key": "registry_reader", "label": "人口信息查询员", "permissions": ["view_registry"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    assert_eq!(role["permissions"], json!(["view_registry"]));
    assert_eq!(role["builtin"], json!(false));
    assert_eq!(role["second_factor"], json!(false));

    add_user(
        &t,
        "reader1",
        "查询员",
        "511702001",
        "registry_reader",
        "Read#Only2026",
    )
    .await
    .unwrap();
    let mut ready = t.ready("reader1", "Read#Only2026").await;
    let reader = t.token(&mut ready).await;
    assert_eq!(get(&t, &reader, "/api/v1/persons").await, StatusCode::OK);
    assert_eq!(get(&t, &reader, "/api/v1/households").await, StatusCode::OK);
    for path in OTHER_FAMILIES {
        assert_eq!(
            get(&t, &reader, path).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let (status, problem) = send(
        &t,
        &reader,
        reqwest::Method::POST,
        "/api/v1/events",
        Some(json!({
            "client_id": "r-1", "channel": "phone", "category": "治安隐患",
            "title": "测试", "description": "测试", "lat": 31.2, "lon": 107.5
        })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("人口信息查询员"),
        "the refusal names the role: {problem}"
    );

    let (status, role) = send(
        &t,
        &sec,
        reqwest::Method::PUT,
        "/api/v1/roles/registry_reader",
        Some(json!({"label": "人口与场所查询员", "permissions": ["view_registry", "view_places"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{role}");
    assert_eq!(role["holders"], json!(1));
    assert_eq!(
        get(&t, &reader, "/api/v1/places").await,
        StatusCode::OK,
        "same token, new permission"
    );

    // The 系统管理员 reads the roles to assign them, and may not compose them.
    let admin = ready_token(&t, "admin", &demo).await;
    assert_eq!(get(&t, &admin, "/api/v1/roles").await, StatusCode::OK);
    let (status, _) = send(
        &t,
        &admin,
        reqwest::Method::POST,
        "/api/v1/roles",
        Some(json!({"key": "mine", "label": "我的", "permissions": ["read_audit"]})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let audit = t
        .app
        .access()
        .search_audit(
            &Actor::cli(),
            &AuditFilter {
                action_prefix: Some("role.".into()),
                ..AuditFilter::default()
            },
            10,
        )
        .await
        .unwrap();
    let actions: Vec<&str> = audit
        .iter()
        .rev()
        .map(|r| r.event.action.as_str())
        .collect();
    assert_eq!(actions, ["role.create", "role.update"]);
    let update = &audit[0].event;
    assert_eq!(update.username, "sec1");
    let detail: Value = serde_json::from_str(&update.detail).unwrap();
    assert_eq!(detail["before"]["permissions"], json!("view_registry"));
    assert_eq!(
        detail["after"]["permissions"],
        json!("view_registry view_places")
    );
}

#[tokio::test]
async fn roles_that_would_break_the_rules_are_refused_with_the_reason() {
    let (t, demo) = TestApp::spawn_demo().await;
    let sec = secadmin(&t).await;
    let post = |body: Value| {
        let (t, sec) = (&t, &sec);
        async move { send(t, sec, reqwest::Method::POST, "/api/v1/roles", Some(body)).await }
    };
    let cases = [
        (
            json!({"key": "superuser", "label": "超级管理员", "permissions": ["manage_users", "read_audit"]}),
            StatusCode::BAD_REQUEST,
            "三员分立",
        ),
        (
            json!({"key": "x1", "label": "无权限", "permissions": []}),
            StatusCode::BAD_REQUEST,
            "至少勾选一项",
        ),
        (
            json!({"key": "x2", "label": "未知", "permissions": ["drop_tables"]}),
            StatusCode::BAD_REQUEST,
            "未知权限",
        ),
        (
            json!({"key": "Bad Key", "label": "坏代码", "permissions": ["view_org"]}),
            StatusCode::BAD_REQUEST,
            "角色代码",
        ),
        (
            json!({"key": "operator", "label": "另一个操作员", "permissions": ["view_org"]}),
            StatusCode::CONFLICT,
            "已被使用",
        ),
        (
            json!({"key": "x3", "label": "网格员", "permissions": ["view_org"]}),
            StatusCode::CONFLICT,
            "已被使用",
        ),
    ];
    for (body, status, says) in cases {
        let (got, problem) = post(body.clone()).await;
        assert_eq!(got, status, "{body} → {problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains(says),
            "{problem}"
        );
    }

    // A role carrying an administrator's permission needs TOTP.
    let (status, role) = post(json!({"key": "account_clerk", "label": "账号管理员", "permissions": ["view_org", "manage_users"]})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(role["second_factor"], json!(true));

    let delete = |key: &'static str| {
        let (t, sec) = (&t, &sec);
        async move {
            send(
                t,
                sec,
                reqwest::Method::DELETE,
                &format!("/api/v1/roles/{key}"),
                None,
            )
            .await
        }
    };
    let (status, problem) = delete("operator").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(problem["detail"].as_str().unwrap().contains("内置角色"));
    add_user(
        &t,
        "clerk1",
        "账号员",
        "511702",
        "account_clerk",
        "Clerk#One2026",
    )
    .await
    .unwrap();
    let (status, problem) = delete("account_clerk").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(problem["detail"].as_str().unwrap().contains("仍有账号在用"));
    let (status, _) = delete("nosuch").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // One's own role is changed by another 安全管理员.
    let (status, problem) = send(
        &t,
        &sec,
        reqwest::Method::PUT,
        "/api/v1/roles/secadmin",
        Some(json!({"label": "安全管理员", "permissions": ["manage_security", "read_audit"]})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");

    // An unused custom role goes.
    let (status, _) =
        post(json!({"key": "spare", "label": "备用", "permissions": ["view_org"]})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(delete("spare").await.0, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&t, &sec, "/api/v1/roles/spare").await,
        StatusCode::NOT_FOUND
    );

    // Only the two administrators who need them read the roles.
    let operator = ready_token(&t, "commander", &demo).await;
    assert_eq!(
        get(&t, &operator, "/api/v1/roles").await,
        StatusCode::FORBIDDEN
    );
    // An account cannot be given an unknown role; the message lists the choices.
    let err = add_user(&t, "nobody", "", "511702", "root", "No#Body2026")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("account_clerk"), "{err}");
}

#[tokio::test]
async fn the_security_page_composes_roles_and_shows_refusals_on_the_form() {
    let (t, _demo) = TestApp::spawn_demo().await;
    add_user(&t, "sec1", "安全员", "511702", "secadmin", "Sec#Admin2026")
        .await
        .unwrap();
    let mut ready = t.ready("sec1", "Sec#Admin2026").await;
    let c = crate::client();
    crate::web_login(&t, &c, &mut ready).await;

    let form = crate::page(&c, &t, "/security/roles/new").await;
    assert!(
        form.contains(r#"name="permission" value="view_places""#)
            && form.contains("查看实有单位与场所")
    );
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let (c, t) = (&c, &t);
        async move {
            let res = c
                .post(t.url("/security/roles"))
                .form(&fields)
                .send()
                .await
                .unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, _) = post(vec![
        ("key", "village_clerk"),
        ("label", "村综治专干<b>"),
        ("permission", "view_org"),
        ("permission", "view_cases"),
    ])
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let matrix = crate::page(&c, &t, "/security?saved=1").await;
    assert!(
        matrix.contains("村综治专干&#60;b&#62;") && !matrix.contains("村综治专干<b>"),
        "escaped"
    );
    assert!(matrix.contains("下一次操作起按新权限执行"));

    let (status, body) = post(vec![
        ("key", "boss"),
        ("label", "总管"),
        ("permission", "manage_security"),
        ("permission", "read_audit"),
    ])
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("三员分立") && body.contains(r#"value="boss""#),
        "the form keeps what was typed"
    );
    assert!(body.contains(r#"value="read_audit" checked"#));

    let res = c
        .post(t.url("/security/roles/village_clerk/delete"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        !crate::page(&c, &t, "/security")
            .await
            .contains("village_clerk")
    );
}
