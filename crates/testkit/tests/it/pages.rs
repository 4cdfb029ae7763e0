//! The pages over HTTP: redirects, login, escaping and the security headers.

use crate::client;
use pingan_testkit::TestApp;
use reqwest::StatusCode;

async fn login(t: &TestApp, c: &reqwest::Client, user: &str, pass: &str) -> reqwest::Response {
    c.post(t.url("/login"))
        .form(&[("username", user), ("password", pass), ("next", "/org")])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn pages_need_a_login_and_the_login_sets_a_strict_cookie() {
    let (t, demo) = TestApp::spawn_demo().await;
    let c = client();
    let res = c.get(t.url("/org")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");

    let res = login(&t, &c, "admin", "Wrong#Pass1").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("用户名或密码错误"));

    // A first login is sent to its account page until the generated password is changed.
    let res = login(
        &t,
        &c,
        "commander",
        demo.account_password.as_deref().unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/org");
    let res = c.get(t.url("/org")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/account");
    assert!(
        crate::page(&c, &t, "/account")
            .await
            .contains("首次登录请先修改初始密码")
    );

    let ready = t
        .ready("commander", demo.account_password.as_deref().unwrap())
        .await;
    let res = login(&t, &c, "commander", &ready.password).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );

    let res = c.get(t.url("/org")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(res.headers()["x-frame-options"], "DENY");
    let html = res.text().await.unwrap();
    assert_eq!(html.matches("class=\"township\"").count(), 18);
    assert!(html.contains("东城街道") && html.contains("安云乡"));
    assert!(html.contains("演示数据"), "the synthetic data is marked");

    let res = c.post(t.url("/logout")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get(t.url("/")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn user_typed_text_is_escaped() {
    let (t, _) = TestApp::spawn_demo().await;
    crate::add_user(
        &t,
        "mallory",
        "<script>alert(1)</script>",
        "511702001",
        "operator",
        "Evil#Pass2026",
    )
    .await
    .unwrap();
    let c = client();
    login(&t, &c, "mallory", "Evil#Pass2026").await;
    let html = crate::page(&c, &t, "/").await;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || html.contains("&lt;script&gt;")
    );
    assert!(
        html.contains("东城街道辖区概况"),
        "the front page is scoped to the user's township"
    );
}

#[tokio::test]
async fn the_front_page_shows_the_districts_figures() {
    let (t, demo) = TestApp::spawn_demo().await;
    let c = client();
    let mut ready = t
        .ready("commander", demo.account_password.as_deref().unwrap())
        .await;
    crate::web_login(&t, &c, &mut ready).await;
    let html = crate::page(&c, &t, "/").await;
    assert!(html.contains("通川区辖区概况"));
    assert!(
        html.contains(r#"<span class="num">36</span><span class="label">网格</span>"#),
        "{html}"
    );
    assert!(html.contains(r#"<span class="num">18</span><span class="label">乡镇（街道）</span>"#));
}

#[tokio::test]
async fn assets_and_licences_are_served_from_the_binary() {
    let (t, demo) = TestApp::spawn_demo().await;
    let c = client();
    let res = c
        .get(t.url("/assets/vendor/leaflet/leaflet.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(
        c.get(t.url("/assets/nope.js"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let mut ready = t
        .ready("commander", demo.account_password.as_deref().unwrap())
        .await;
    crate::web_login(&t, &c, &mut ready).await;
    let html = crate::page(&c, &t, "/licenses").await;
    assert!(html.contains("leaflet-1.9.4"));
    assert!(
        html.contains("Volodymyr Agafonkin"),
        "the licence text itself"
    );
}

#[tokio::test]
async fn a_grid_worker_sees_the_figures_of_their_own_grid() {
    let (t, demo) = TestApp::spawn_demo().await;
    let c = client();
    let mut ready = t
        .ready(
            "wg511702001001001",
            demo.account_password.as_deref().unwrap(),
        )
        .await;
    crate::web_login(&t, &c, &mut ready).await;
    let html = crate::page(&c, &t, "/").await;
    assert!(html.contains("二马路社区网格辖区概况"), "{html}");
    assert!(html.contains(r#"<span class="num">1</span><span class="label">网格</span>"#));
    assert!(
        !html.contains("乡镇（街道）</span>"),
        "no township figure below the township level"
    );
}

#[tokio::test]
async fn the_system_administrator_creates_and_disables_accounts_on_the_page() {
    let (t, demo) = TestApp::spawn_demo().await;
    let c = client();
    let mut admin = t
        .ready("admin", demo.admin_password.as_deref().unwrap())
        .await;
    crate::web_login(&t, &c, &mut admin).await;
    let form = [
        ("username", "wangfang"),
        ("display_name", "王芳"),
        ("org", "511702001"),
        ("role", "operator"),
        ("password", "Wang#Fang2026x"),
        ("phone", "13912345678"),
    ];
    let res = c.post(t.url("/users")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = crate::page(&c, &t, "/users?created=wangfang").await;
    assert!(html.contains("已新建账号 wangfang") && html.contains("王芳"));
    assert!(
        html.contains("139****5678") && !html.contains("13912345678"),
        "phones are masked"
    );

    let weak = [
        ("username", "weakling"),
        ("org", "511702"),
        ("role", "leader"),
        ("password", "password"),
        ("phone", ""),
    ];
    let res = c.post(t.url("/users")).form(&weak).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("至少 3 类") && html.contains("value=\"weakling\""),
        "the form keeps what was typed"
    );

    // A password an administrator typed is temporary: the owner changes it at first login.
    let first = t
        .app
        .access()
        .login("wangfang", "Wang#Fang2026x", None)
        .await
        .unwrap();
    assert_eq!(
        first.user.setup,
        Some(pingan_app::SetupStep::ChangePassword)
    );

    let found = crate::page(&c, &t, "/users?phone=139-1234-5678").await;
    assert!(found.contains("wangfang") && !found.contains("wg511702001001001"));
    let res = c.post(t.url("/users/admin/disable")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("不能停用自己的账号"));
    let res = c
        .post(t.url("/users/wangfang/disable"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        t.app
            .access()
            .login("wangfang", "Wang#Fang2026x", None)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn the_auditor_searches_verifies_and_exports() {
    let (t, _) = TestApp::spawn_demo().await;
    crate::add_user(&t, "shenji", "审计员", "511702", "auditor", "Shen#Ji2026x")
        .await
        .unwrap();
    let c = client();
    let mut auditor = t.ready("shenji", "Shen#Ji2026x").await;
    crate::web_login(&t, &c, &mut auditor).await;
    let html = crate::page(&c, &t, "/audit?action=user.").await;
    assert!(
        html.contains("user.create") && !html.contains(">login<"),
        "filtered by action"
    );
    let res = c.post(t.url("/audit/verify")).send().await.unwrap();
    assert!(res.text().await.unwrap().contains("审计日志完整"));
    let res = c
        .get(t.url("/audit/export.csv?from=2000-01-01"))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let csv = res.text().await.unwrap();
    assert!(
        csv.starts_with('\u{feff}') && csv.contains("导出人 shenji") && csv.contains("demo.load")
    );
    let res = c.get(t.url("/audit?from=yesterday")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = crate::page(&c, &t, "/audit?action=audit.export").await;
    assert!(
        html.contains("audit.export"),
        "the export itself is on the record"
    );
}

#[tokio::test]
async fn a_user_changes_their_own_password_and_signs_in_again() {
    let (t, _) = TestApp::spawn_demo().await;
    crate::add_user(&t, "liming", "", "511702", "leader", "Li#Ming2026x")
        .await
        .unwrap();
    let c = client();
    login(&t, &c, "liming", "Li#Ming2026x").await;
    let wrong = [
        ("current", "Nope#2026xx"),
        ("new", "New#Secret2026"),
        ("confirm", "New#Secret2026"),
    ];
    let res = c.post(t.url("/account")).form(&wrong).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("当前密码不正确"));
    let mismatch = [
        ("current", "Li#Ming2026x"),
        ("new", "New#Secret2026"),
        ("confirm", "New#Secret2027"),
    ];
    let res = c
        .post(t.url("/account"))
        .form(&mismatch)
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("不一致"));
    let good = [
        ("current", "Li#Ming2026x"),
        ("new", "New#Secret2026"),
        ("confirm", "New#Secret2026"),
    ];
    let res = c.post(t.url("/account")).form(&good).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/login?changed=1");
    assert!(
        crate::page(&c, &t, "/login?changed=1")
            .await
            .contains("请用新密码重新登录")
    );
    assert_eq!(
        c.get(t.url("/")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );
    t.app
        .access()
        .login("liming", "New#Secret2026", None)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_contact_list_reveals_a_number_only_with_a_reason() {
    let (t, _) = TestApp::spawn_demo().await;
    let account = pingan_app::NewAccount {
        username: "gridphone".into(),
        org: "511702001001001".into(),
        role: "grid_worker".into(),
        password: "Grid#Phone2026".into(),
        phone: Some("13512345678".into()),
        ..pingan_app::NewAccount::default()
    };
    t.app
        .access()
        .add_user(&pingan_app::Actor::cli(), &account)
        .await
        .unwrap();
    crate::add_user(
        &t,
        "dispatcher",
        "",
        "511702001",
        "operator",
        "Dis#Patch2026",
    )
    .await
    .unwrap();
    let mut ready = t.ready("dispatcher", "Dis#Patch2026").await;
    let c = client();
    crate::web_login(&t, &c, &mut ready).await;
    let html = crate::page(&c, &t, "/contacts").await;
    assert!(html.contains("135****5678") && !html.contains("13512345678"));
    let res = c
        .post(t.url("/contacts/gridphone/reveal"))
        .form(&[("reason", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = c
        .post(t.url("/contacts/gridphone/reveal"))
        .form(&[("reason", "联系核实事件")])
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("13512345678"));
}

#[tokio::test]
async fn logging_out_everywhere_ends_every_session_of_the_account() {
    let (t, _) = TestApp::spawn_demo().await;
    crate::add_user(&t, "twodevices", "", "511702", "leader", "Two#Devices2026")
        .await
        .unwrap();
    let mut ready = t.ready("twodevices", "Two#Devices2026").await;
    let (phone, desk) = (client(), client());
    crate::web_login(&t, &phone, &mut ready).await;
    crate::web_login(&t, &desk, &mut ready).await;
    let res = phone
        .post(t.url("/account/logout-everywhere"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/login");
    assert_eq!(
        desk.get(t.url("/")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER,
        "the other device too"
    );
}
