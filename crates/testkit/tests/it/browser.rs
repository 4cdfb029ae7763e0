//! Browser tests: people log in with headless Chromium, finish their first-login setup, open the
//! org tree and the map, and see what they should. Run with `--features browser` (`.ci/run` does).

use fantoccini::Locator;
use pingan_testkit::{Browser, TestApp};
use std::time::Duration;

/// Waits until the element exists, up to five seconds.
async fn wait_for(b: &Browser, css: &str) -> fantoccini::elements::Element {
    b.client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("等待 {css} 超时: {e}"))
}

/// The visible text of an element once it is there and shown (a page may still be loading, a
/// Leaflet popup fading in), up to five seconds.
async fn visible_text(b: &Browser, css: &str) -> String {
    for _ in 0..50 {
        if let Ok(el) = b.client.find(Locator::Css(css)).await
            && let Ok(text) = el.text().await
            && !text.is_empty()
        {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} 一直没有可见文字");
}

/// Fills the named inputs of the form matching `form` and submits it.
async fn fill_and_submit(b: &Browser, form: &str, fields: &[(&str, &str)]) {
    let form_el = wait_for(b, form).await;
    for (name, value) in fields {
        let input = form_el
            .find(Locator::Css(&format!("[name={name}]")))
            .await
            .unwrap();
        if input.tag_name().await.unwrap() == "select" {
            input.select_by_value(value).await.unwrap();
        } else {
            input.clear().await.unwrap();
            input.send_keys(value).await.unwrap();
        }
    }
    form_el
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn log_in(b: &Browser, t: &TestApp, user: &str, password: &str, totp: &str) {
    b.client.goto(&t.url("/login")).await.unwrap();
    let fields = [("username", user), ("password", password), ("totp", totp)];
    fill_and_submit(b, "form[action='/login']", &fields).await;
}

/// On a phone-sized window: signs `who` in at `base`, opens `page` and waits until the service
/// worker looks after it (so the page is kept for use without signal).
async fn on_the_phone(b: &Browser, base: &str, who: &pingan_testkit::Ready, page: &str) {
    b.client.set_window_size(390, 844).await.unwrap();
    b.client.goto(&format!("{base}/login")).await.unwrap();
    let fields = [
        ("username", who.username.as_str()),
        ("password", who.password.as_str()),
        ("totp", ""),
    ];
    fill_and_submit(b, "form[action='/login']", &fields).await;
    wait_for(b, "form[action='/logout']").await;
    b.client.goto(&format!("{base}{page}")).await.unwrap();
    let ready = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.serviceWorker.ready.then(() => done(true));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ready, serde_json::json!(true));
}

/// Clicks the element matching `css`.
async fn click(b: &Browser, css: &str) {
    b.client
        .find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Saves a screenshot under target/screenshots for a person to look at.
async fn screenshot(b: &Browser, name: &str) {
    let png = b.client.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

#[tokio::test]
async fn first_login_then_the_org_tree_and_the_map() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let (t, demo) = TestApp::spawn_demo().await;
    let generated = demo.account_password.clone().unwrap();

    log_in(&b, &t, "commander", "Wrong#Pass1", "").await;
    assert_eq!(visible_text(&b, ".error").await, "用户名或密码错误");

    // The generated password works once, and only to choose one's own.
    log_in(&b, &t, "commander", &generated, "").await;
    assert!(
        visible_text(&b, "#setup")
            .await
            .contains("首次登录请先修改初始密码")
    );
    b.client.goto(&t.url("/org")).await.unwrap();
    assert!(
        b.client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/account"),
        "other pages wait"
    );
    screenshot(&b, "first-login").await;
    let own = "Zhihui#Zhong26";
    fill_and_submit(
        &b,
        "form[action='/account']",
        &[("current", &generated), ("new", own), ("confirm", own)],
    )
    .await;
    assert!(
        visible_text(&b, ".login-box .notice")
            .await
            .contains("请用新密码重新登录")
    );
    log_in(&b, &t, "commander", own, "").await;

    let figures = visible_text(&b, ".figures").await;
    assert!(
        figures.contains("36") && figures.contains("网格"),
        "{figures}"
    );
    screenshot(&b, "home").await;

    b.client
        .find(Locator::LinkText("组织架构"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&b, "#org-tree").await;
    let townships = b
        .client
        .find_all(Locator::Css("#org-tree > li.township"))
        .await
        .unwrap();
    assert_eq!(townships.len(), 18);
    let first = townships[0]
        .find(Locator::Css("summary .name"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(first, "东城街道");
    // Open 东城街道 and one of its communities: the grid rows become visible.
    townships[0]
        .find(Locator::Css("summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let village = townships[0]
        .find(Locator::Css("li.village summary"))
        .await
        .unwrap();
    assert!(village.text().await.unwrap().contains("二马路社区"));
    village.click().await.unwrap();
    let grid = townships[0].find(Locator::Css("li.grid")).await.unwrap();
    assert!(grid.is_displayed().await.unwrap());
    assert!(grid.text().await.unwrap().contains("511702001001001"));
    screenshot(&b, "org-tree").await;

    b.client
        .find(Locator::LinkText("网格地图"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&b, "#map[data-drawn]").await;
    let drawn = b
        .client
        .find_all(Locator::Css("#map path.leaflet-interactive"))
        .await
        .unwrap();
    assert_eq!(drawn.len(), 36, "one polygon per grid");
    assert_eq!(visible_text(&b, "#grid-count").await, "36");
    // Clicking the middle of the map asks the server which grid holds the point.
    b.client
        .find(Locator::Css("#map"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let popup = visible_text(&b, ".leaflet-popup-content").await;
    assert!(popup.starts_with("通川区 › "), "{popup}");
    assert!(popup.contains("网格编码 511702"), "{popup}");
    screenshot(&b, "map").await;

    b.client
        .find(Locator::LinkText("工作日历"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&b, "#calendar-days").await;
    let trial = "/calendar?from=2026-09-30T10%3A00&amount=3&unit=work_days";
    b.client.goto(&t.url(trial)).await.unwrap();
    assert!(
        visible_text(&b, "#deadline")
            .await
            .contains("2026-10-10 17:30 星期六")
    );
    screenshot(&b, "calendar").await;

    b.close().await;
}

#[tokio::test]
async fn an_administrator_binds_a_second_factor_from_the_qr_page() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::spawn().await;
    crate::add_user(
        &t,
        "sysadm",
        "系统管理员",
        "511702",
        "sysadmin",
        "Sys#Admin2026",
    )
    .await
    .unwrap();
    log_in(&b, &t, "sysadm", "Sys#Admin2026", "").await;
    assert!(visible_text(&b, "#setup").await.contains("动态口令"));
    b.client
        .find(Locator::Css("form[action='/account/totp'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let qr = wait_for(&b, "#totp-qr svg").await;
    assert!(qr.is_displayed().await.unwrap());
    let secret = visible_text(&b, "#totp-secret").await;
    screenshot(&b, "totp-enrolment").await;
    fill_and_submit(
        &b,
        "form[action='/account/totp/confirm']",
        &[("code", &pingan_testkit::totp_now(&secret))],
    )
    .await;
    assert_eq!(visible_text(&b, "#totp-state").await, "已绑定");

    // From now on the code is part of signing in.
    b.client
        .find(Locator::Css("form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    log_in(&b, &t, "sysadm", "Sys#Admin2026", "").await;
    assert!(visible_text(&b, ".error").await.contains("动态口令"));
    // The next 30-second step's code is accepted too (clock drift), and was not used yet.
    let next = pingan_testkit::totp_at(&secret, 30);
    log_in(&b, &t, "sysadm", "Sys#Admin2026", &next).await;
    wait_for(&b, "form[action='/logout']").await;
    b.client
        .find(Locator::LinkText("账号管理"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&b, "#user-list").await;
    fill_and_submit(
        &b,
        "form[action='/users'][method=post]",
        &[
            ("username", "liuyang"),
            ("display_name", "刘洋"),
            ("role", "operator"),
            ("org", "511702001"),
            ("password", "Liu#Yang2026x"),
            ("phone", "13812345678"),
        ],
    )
    .await;
    assert!(
        visible_text(&b, ".notice")
            .await
            .contains("已新建账号 liuyang")
    );
    let row = visible_text(&b, "#user-list tbody").await;
    assert!(
        row.contains("刘洋") && row.contains("138****5678") && !row.contains("13812345678"),
        "{row}"
    );
    screenshot(&b, "users").await;
    b.close().await;
}

#[tokio::test]
async fn the_pages_fit_a_phone() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let (t, demo) = TestApp::spawn_demo().await;
    let ready = t
        .ready(
            "wg511702001001001",
            demo.account_password.as_deref().unwrap(),
        )
        .await;
    b.client.set_window_size(390, 844).await.unwrap();
    log_in(&b, &t, &ready.username, &ready.password, "").await;
    let figures = wait_for(&b, ".figures").await;
    let width: f64 = b
        .client
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(
        width <= 390.0,
        "no sideways scrolling on a phone (page is {width}px wide)"
    );
    assert!(figures.text().await.unwrap().contains("网格员"));
    screenshot(&b, "phone-home").await;

    // The navigation folds into one 菜单 button and opens on a tap, with this role's entries only.
    let nav = b.client.find(Locator::Css("#main-nav")).await.unwrap();
    assert!(!nav.is_displayed().await.unwrap(), "folded on a phone");
    let button = wait_for(&b, ".menu-button").await;
    assert!(button.is_displayed().await.unwrap());
    button.click().await.unwrap();
    assert!(nav.is_displayed().await.unwrap(), "open after a tap");
    let entries = nav.text().await.unwrap();
    assert!(entries.contains("上报事件"), "{entries}");
    assert!(
        !entries.contains("安全策略"),
        "a grid worker is not shown the administrators' pages: {entries}"
    );
    screenshot(&b, "phone-menu").await;

    b.client.set_window_size(1280, 900).await.unwrap();
    assert!(nav.is_displayed().await.unwrap(), "in the bar on a desktop");
    assert!(!button.is_displayed().await.unwrap());
    b.close().await;
}

#[tokio::test]
async fn a_grid_worker_reports_on_the_phone_and_the_township_accepts_it() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let (t, demo) = TestApp::spawn_demo().await;
    let pw = demo.account_password.clone().unwrap();
    let grid = "511702001001001";
    let worker = t.ready(&format!("wg{grid}"), &pw).await;
    b.client.set_window_size(390, 844).await.unwrap();
    log_in(&b, &t, &worker.username, &worker.password, "").await;
    wait_for(&b, "form[action='/logout']").await;
    b.client.goto(&t.url("/report")).await.unwrap();
    fill_and_submit(
        &b,
        "#report-form",
        &[
            ("category", "ZZ0301"),
            ("title", "楼道电动车充电"),
            ("description", "3 单元楼道内私拉电线给电动车充电"),
            ("address", "二马路 18 号 3 单元"),
            ("grid_code", grid),
        ],
    )
    .await;
    let done = visible_text(&b, "#report-done").await;
    assert!(done.contains("已上报，事件编号 SJ"), "{done}");
    assert!(
        visible_text(&b, "#my-events")
            .await
            .contains("楼道电动车充电")
    );
    screenshot(&b, "report-phone").await;

    b.client.delete_all_cookies().await.unwrap();
    b.client.set_window_size(1280, 900).await.unwrap();
    let operator = t.ready("op511702001", &pw).await;
    log_in(&b, &t, &operator.username, &operator.password, "").await;
    // The login's own redirect must land before we go elsewhere, or it would win the race.
    wait_for(&b, "form[action='/logout']").await;
    b.client.goto(&t.url("/events")).await.unwrap();
    let row = visible_text(&b, "#event-list tbody tr").await;
    assert!(
        row.contains("楼道电动车充电") && row.contains("待受理"),
        "{row}"
    );
    wait_for(&b, "#event-map").await;
    screenshot(&b, "events").await;
    b.client
        .find(Locator::Css("#event-list tbody tr a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill_and_submit(&b, "form[data-action=accept]", &[("reason", "已电话核实")]).await;
    for _ in 0..50 {
        if visible_text(&b, "#state").await == "待立案" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(visible_text(&b, "#state").await, "待立案");
    assert!(visible_text(&b, "#timeline").await.contains("已电话核实"));
    screenshot(&b, "event-case").await;
    b.close().await;
}

#[tokio::test]
async fn the_video_board_draws_its_cameras_and_rates() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let (t, demo) = TestApp::spawn_demo().await;
    let ready = t
        .ready("commander", demo.account_password.as_deref().unwrap())
        .await;
    // Three cameras on the first grid's point, one network each.
    let user = t
        .app
        .access()
        .authenticate(&{
            let mut r = ready.clone();
            t.token(&mut r).await
        })
        .await
        .unwrap();
    let grids = t.app.org().grid_features(&user).await.unwrap();
    let label = &grids["features"][0]["properties"]["label"];
    let (lon, lat) = (label[0].as_f64().unwrap(), label[1].as_f64().unwrap());
    let columns: Vec<pingan_app::sheet::Column> =
        ["设备编码", "通道编码", "摄像机名称", "网络", "经度", "纬度"]
            .into_iter()
            .map(|h| pingan_app::sheet::Column::new(h, 10.0))
            .collect();
    let rows: Vec<Vec<String>> = [("1", "雪亮工程"), ("2", "天网工程"), ("3", "慧眼工程")]
        .iter()
        .map(|(n, net)| {
            vec![
                "51170200011180000001".into(),
                format!("5117020001132000000{n}"),
                format!("路口{n}"),
                (*net).into(),
                lon.to_string(),
                lat.to_string(),
            ]
        })
        .collect();
    let sheet = pingan_app::sheet::write_sheet("台账", &columns, &rows, None).unwrap();
    t.app
        .video()
        .import_video_registry(&pingan_app::Actor::cli(), &sheet)
        .await
        .unwrap();

    log_in(&b, &t, &ready.username, &ready.password, "").await;
    wait_for(&b, "form[action='/logout']").await;
    b.client.goto(&t.url("/video")).await.unwrap();
    let figures = visible_text(&b, "#video-figures").await;
    assert!(
        figures.contains("点亮率") && figures.contains('3'),
        "{figures}"
    );
    assert_eq!(
        b.client
            .find_all(Locator::Css("#network-rates meter"))
            .await
            .unwrap()
            .len(),
        3
    );
    let mut drawn = String::new();
    for _ in 0..50 {
        drawn = wait_for(&b, "#camera-map")
            .await
            .attr("data-drawn")
            .await
            .unwrap()
            .unwrap_or_default();
        if !drawn.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(drawn, "3", "every camera on the map");
    screenshot(&b, "video-board").await;
    b.close().await;
}

#[tokio::test]
async fn a_visit_made_without_signal_is_sent_once_when_it_returns() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let (t, demo) = TestApp::spawn_demo().await;
    let pw = demo.account_password.clone().unwrap();
    let grid = "511702001001001";
    let people = crate::persons::people();
    t.app
        .registry()
        .import_persons(
            &pingan_app::Actor::cli(),
            &crate::persons::sheet(&crate::persons::as_rows(&people)),
            Some(grid),
        )
        .await
        .unwrap();
    let commander = crate::signed_in(&t, "commander", &pw).await;
    let found = t
        .app
        .registry()
        .persons(&commander, &Default::default())
        .await
        .unwrap();
    let person = found.rows[0].id;
    let worker = t.ready(&format!("wg{grid}"), &pw).await;

    // Online: sign in and open the task list and the visit form; the service worker keeps them.
    let first = t.another_instance().await;
    let base = first.base_url.clone();
    on_the_phone(&b, &base, &worker, "/visits/due").await;
    b.client
        .goto(&format!("{base}/persons/{person}/visit"))
        .await
        .unwrap();
    wait_for(&b, "#visit-form").await;

    // The signal goes: the hub cannot be reached. The visit is kept on the phone.
    drop(first);
    tokio::time::sleep(Duration::from_millis(300)).await;
    // With a photo: the phone keeps it too.
    let png = std::env::temp_dir().join(pingan_testkit::unique_name("visit-photo") + ".png");
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.extend_from_slice(b"kept on the phone");
    std::fs::write(&png, &bytes).unwrap();
    b.client
        .find(Locator::Css("#visit-form input[name=photo]"))
        .await
        .unwrap()
        .send_keys(png.to_str().unwrap())
        .await
        .unwrap();
    fill_and_submit(
        &b,
        "#visit-form",
        &[("notes", "无信号时登记：本人在家，情况稳定")],
    )
    .await;
    let kept = visible_text(&b, "#kept").await;
    assert!(
        kept.contains("已保存在本机") && kept.contains("待提交 1 条"),
        "{kept}"
    );
    screenshot(&b, "visit-kept-offline").await;
    assert!(
        t.app
            .registry()
            .visits(&commander, person)
            .await
            .unwrap()
            .is_empty()
    );
    // A new person registered without signal is kept too (the form was kept when the worker
    // was installed).
    let newcomer = crate::persons::id("19900909", 91);
    b.client.goto(&format!("{base}/persons/new")).await.unwrap();
    fill_and_submit(
        &b,
        "#person-form",
        &[
            ("grid", grid),
            ("name", "无信号登记"),
            ("id_number", &newcomer),
            ("address", "二马路 66 号"),
        ],
    )
    .await;
    let kept = visible_text(&b, "#kept").await;
    assert!(kept.contains("待提交 2 条"), "{kept}");
    // The task list opened online still opens, from the phone's copy.
    b.client.goto(&format!("{base}/visits/due")).await.unwrap();
    assert!(visible_text(&b, "h1").await.contains("走访任务"));

    // The signal returns (the same address): the next page sends what was kept, once.
    let second = t.instance_at(base.trim_start_matches("http://")).await;
    b.client
        .goto(&format!("{}/visits/due", second.base_url))
        .await
        .unwrap();
    let mut visits = Vec::new();
    for _ in 0..100 {
        visits = t.app.registry().visits(&commander, person).await.unwrap();
        if !visits.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(visits.len(), 1, "the kept visit arrives");
    assert_eq!(visits[0].notes, "无信号时登记：本人在家，情况稳定");
    assert_eq!(visits[0].photos.len(), 1, "with its photo");
    let by_id = pingan_app::PersonQuery {
        id_number: Some(newcomer.clone()),
        ..Default::default()
    };
    let mut found = 0;
    for _ in 0..100 {
        found = t
            .app
            .registry()
            .persons(&commander, &by_id)
            .await
            .unwrap()
            .total
            .count;
        if found == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(found, 1, "the person kept on the phone is registered");
    b.client
        .execute("window.pinganFlush();", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        t.app
            .registry()
            .visits(&commander, person)
            .await
            .unwrap()
            .len(),
        1
    );
    b.close().await;
}

#[tokio::test]
async fn a_petition_is_registered_and_assigned_on_the_pages() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let (t, demo) = TestApp::spawn_demo().await;
    let pw = demo.account_password.clone().unwrap();
    let grid = "511702001001001";
    let operator = t.ready("op511702001", &pw).await;
    log_in(&b, &t, &operator.username, &operator.password, "").await;
    wait_for(&b, "form[action='/logout']").await;
    b.client.goto(&t.url("/petitions/new")).await.unwrap();
    fill_and_submit(
        &b,
        "#petition-form",
        &[
            ("channel", "visit"),
            ("class", "claim"),
            ("title", "反映村道硬化占用承包地未补偿"),
            (
                "content",
                "2025年村道硬化工程占用承包地约0.3亩，至今未补偿。",
            ),
            ("requests", "要求按标准补偿"),
            ("grid_code", grid),
            ("address", "东城街道某村 3 组"),
            ("name1", "王秀英"),
            ("phone1", "13800138000"),
        ],
    )
    .await;
    for _ in 0..50 {
        if visible_text(&b, "#state").await.starts_with("待分办") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(visible_text(&b, "#state").await.starts_with("待分办"));
    assert!(visible_text(&b, "#petitioners").await.contains("王*"));
    let (police, _) = crate::events::actor(&t, "bm-511702001-pcs", &pw).await;
    let police = police.user.unwrap().department_id.unwrap().to_string();
    fill_and_submit(
        &b,
        "form[data-action=route]",
        &[
            ("mode", "assign"),
            ("department_id", &police),
            ("reason", "请核实后答复"),
        ],
    )
    .await;
    for _ in 0..50 {
        if visible_text(&b, "#state").await.starts_with("待受理") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(visible_text(&b, "#organ").await.contains("派出所"));
    assert!(visible_text(&b, "#timeline").await.contains("请核实后答复"));
    screenshot(&b, "petition-case").await;
    b.client.goto(&t.url("/petitions")).await.unwrap();
    let row = visible_text(&b, "#petition-list tbody tr").await;
    assert!(
        row.contains("反映村道硬化") && row.contains("待受理"),
        "{row}"
    );
    screenshot(&b, "petitions").await;
    b.client.goto(&t.url("/petitions/stats")).await.unwrap();
    assert!(visible_text(&b, "#petition-stats").await.contains("合计"));
    screenshot(&b, "petition-stats").await;
    b.close().await;
}

#[tokio::test]
async fn a_clue_is_registered_and_its_informant_looks_it_up() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let (t, demo) = TestApp::spawn_demo().await;
    let pw = demo.account_password.clone().unwrap();
    crate::add_user(&t, "sh-browser", "扫黑办", "511702", "clue_officer", &pw)
        .await
        .unwrap();
    let office = t.ready("sh-browser", &pw).await;
    log_in(&b, &t, &office.username, &office.password, "").await;
    wait_for(&b, "form[action='/logout']").await;
    b.client.goto(&t.url("/clues/new")).await.unwrap();
    fill_and_submit(
        &b,
        "#clue-form",
        &[
            ("source", "phone"),
            ("title", "农贸市场有人强收保护费"),
            ("content", "市场内有人向商户强收管理费，不交即砸摊。"),
            ("named", "王某等人"),
            ("informant_name", "周知情"),
        ],
    )
    .await;
    let code = visible_text(&b, "#clue-code").await;
    assert_eq!(code.len(), 16, "{code}");
    screenshot(&b, "clue-new").await;
    b.client
        .find(Locator::Css("#clue-made a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let facts = visible_text(&b, "#anonymity").await;
    assert!(facts.contains("实名举报"), "{facts}");
    screenshot(&b, "clue-case").await;
    // The informant, signed out, reads the stage with the code.
    b.client.delete_all_cookies().await.unwrap();
    b.client.goto(&t.url("/clues/lookup")).await.unwrap();
    fill_and_submit(&b, "form[action='/clues/lookup']", &[("code", &code)]).await;
    let result = visible_text(&b, "#lookup-result").await;
    assert!(result.contains("已受理，正在甄别"), "{result}");
    screenshot(&b, "clue-lookup").await;
    b.close().await;
}

#[tokio::test]
async fn a_risk_assessment_is_registered_and_its_plan_added_on_the_pages() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let (t, demo) = TestApp::spawn_demo().await;
    let pw = demo.account_password.clone().unwrap();
    let commander = t.ready("commander", &pw).await;
    log_in(&b, &t, &commander.username, &commander.password, "").await;
    wait_for(&b, "form[action='/logout']").await;
    b.client.goto(&t.url("/risks/new")).await.unwrap();
    let subject = b
        .client
        .find(Locator::Css(
            "select[name=department_id] option:nth-child(2)",
        ))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    fill_and_submit(
        &b,
        "#risk-form",
        &[
            ("matter_type", "project"),
            ("title", "垃圾焚烧发电厂选址"),
            (
                "description",
                "拟在北部乡镇建设垃圾焚烧发电厂，日处理能力 600 吨。",
            ),
            ("people_affected", "5000"),
            ("department_id", &subject),
        ],
    )
    .await;
    for _ in 0..50 {
        if visible_text(&b, "#state").await.starts_with("确定评估事项") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    fill_and_submit(&b, "form[data-action=advance]", &[]).await;
    for _ in 0..50 {
        if visible_text(&b, "#state").await.starts_with("制定评估方案") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let state = visible_text(&b, "#state").await;
    assert!(state.contains("请先上传评估方案"), "{state}");
    // The form sits in a folded section: open it as a person would.
    b.client
        .find(Locator::Css(
            "details:has(form[data-action=add_document]) summary",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill_and_submit(
        &b,
        "form[data-action=add_document]",
        &[
            ("kind", "plan"),
            ("title", "选址稳评方案"),
            ("content", "评估组织、分工、时间安排和方法"),
        ],
    )
    .await;
    for _ in 0..50 {
        if visible_text(&b, "#documents")
            .await
            .contains("选址稳评方案")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(visible_text(&b, "#documents").await.contains("评估方案"));
    screenshot(&b, "risk-case").await;
    b.client.goto(&t.url("/risks")).await.unwrap();
    assert!(visible_text(&b, "#risk-register").await.contains("未定级"));
    screenshot(&b, "risks").await;
    b.close().await;
}

/// How many pixels of the first canvas under `css` are painted.
async fn painted(b: &Browser, css: &str) -> u64 {
    let script = format!(
        "var c = document.querySelector('{css} canvas'); if (!c) {{ return 0; }}
         var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
         for (var i = 3; i < d.length; i += 4) {{ if (d[i] > 0) {{ n++; }} }} return n;"
    );
    b.client
        .execute(&script, vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(0)
}

#[tokio::test]
async fn the_dashboard_draws_its_charts_and_map_on_the_desk_and_on_the_wall() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let h = crate::events::Hub::new().await;
    for n in 0..3 {
        h.report(&format!("dash-event-{n:04}")).await;
    }
    let commander =
        h.t.ready("commander", &format!("{}#Own2026x", h.password.len()))
            .await;
    log_in(&b, &h.t, &commander.username, &commander.password, "").await;
    wait_for(&b, "form[action='/logout']").await;
    for (url, name) in [
        ("/dashboard?period=year", "dashboard"),
        ("/dashboard?period=year&wall=1", "dashboard-wall"),
    ] {
        if name == "dashboard-wall" {
            b.client.set_window_size(1920, 1080).await.unwrap();
        }
        b.client.goto(&h.t.url(url)).await.unwrap();
        wait_for(&b, "#dashboard[data-charts=drawn]").await;
        let received = visible_text(&b, ".tile[data-key=events_received] .v").await;
        assert_eq!(received, "3", "{name}");
        for chart in ["#trend-chart", "#unit-chart", "#category-chart"] {
            assert!(painted(&b, chart).await > 500, "{name}: {chart} is drawn");
        }
        let grids = b
            .client
            .find_all(Locator::Css("#dash-map path.leaflet-interactive"))
            .await
            .unwrap();
        assert!(!grids.is_empty(), "{name}: the grids are on the map");
        assert!(
            visible_text(&b, "#live-state").await.contains("实时连接"),
            "{name}"
        );
        screenshot(&b, name).await;
    }
    // The wall hides the menu: the screen is the figures.
    let nav = b.client.find(Locator::Css(".topbar")).await.unwrap();
    assert!(!nav.is_displayed().await.unwrap());
    b.close().await;
}

#[tokio::test]
async fn an_alarm_appears_on_the_open_events_page_with_its_sound_and_marker() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let h = crate::events::Hub::new().await;
    let school = crate::alarms::device(&h, "CAMPUS-0100", "朝阳小学东门一键报警", "campus").await;
    let commander =
        h.t.ready("commander", &format!("{}#Own2026x", h.password.len()))
            .await;
    log_in(&b, &h.t, &commander.username, &commander.password, "").await;
    wait_for(&b, "form[action='/logout']").await;
    b.client.goto(&h.t.url("/events")).await.unwrap();
    wait_for(&b, "#event-map").await;
    // Let the page's stream connect before the button is pressed.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let (status, outcome) = school.call("alarms", r#"{"signal":"button"}"#).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{outcome}");
    wait_for(&b, "#alarm-bar:not([hidden])").await;
    let text = visible_text(&b, "#alarm-bar li").await;
    assert!(text.contains("一键报警：朝阳小学东门一键报警"), "{text}");
    assert!(
        text.contains(outcome["event_number"].as_str().unwrap()),
        "{text}"
    );
    wait_for(&b, "#alarm-sound[data-played='1']").await;
    wait_for(&b, "#event-map path.alarm-marker").await;
    screenshot(&b, "alarm").await;
    b.client
        .find(Locator::Css("#alarm-bar li a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&b, "#state").await;
    assert_eq!(visible_text(&b, "#state").await, "待受理");
    // The points' page: the one point, heard when it alarmed.
    b.client.goto(&h.t.url("/alarms")).await.unwrap();
    wait_for(&b, "#point-list").await;
    let bar = b.client.find(Locator::Css("#alarm-bar")).await.unwrap();
    assert!(
        !bar.is_displayed().await.unwrap(),
        "no bar until an alarm comes"
    );
    assert_eq!(visible_text(&b, "#points-rate").await, "100.0%");
    screenshot(&b, "alarms-page").await;
    b.close().await;
}

#[tokio::test]
async fn a_residents_report_made_without_signal_is_kept_and_recorded_once_when_the_hub_is_back() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let h = crate::events::Hub::new().await;
    let account = pingan_app::NewAccount {
        username: "jumin-offline".into(),
        display_name: "居民".into(),
        org: crate::events::TOWNSHIP.into(),
        role: "citizen".into(),
        password: "Resident#2026".into(),
        ..pingan_app::NewAccount::default()
    };
    h.t.app
        .access()
        .add_user(&pingan_app::Actor::cli(), &account)
        .await
        .unwrap();
    let resident = h.t.ready("jumin-offline", "Resident#2026").await;

    // Online: sign in on a hub that will go away and open the report page; the phone keeps it.
    let first = h.t.another_instance().await;
    let base = first.base_url.clone();
    on_the_phone(&b, &base, &resident, "/report").await;
    b.client.goto(&format!("{base}/report")).await.unwrap();
    wait_for(&b, "#report-form").await;

    // The hub goes away; the report is kept on the phone.
    drop(first);
    tokio::time::sleep(Duration::from_millis(300)).await;
    fill_and_submit(
        &b,
        "#report-form",
        &[
            ("category", "ZZ08"),
            ("title", "楼道灯坏了没人修"),
            ("description", "三单元楼道灯坏了两周"),
            ("address", "朝阳东路 12 号 3 单元"),
            ("grid_code", &h.grid),
        ],
    )
    .await;
    let kept = visible_text(&b, "#kept").await;
    assert!(
        kept.contains("已保存在本机") && kept.contains("待提交 1 条"),
        "{kept}"
    );
    screenshot(&b, "report-kept-offline").await;
    let find = pingan_app::EventListQuery {
        q: Some("楼道灯坏了没人修".into()),
        ..Default::default()
    };
    let count = || async {
        h.t.app
            .cases()
            .events(&h.commander, &find)
            .await
            .unwrap()
            .items
            .len()
    };
    assert_eq!(count().await, 0);

    // The hub is back at the same address: the next page sends the report, once.
    let second = h.t.instance_at(base.trim_start_matches("http://")).await;
    b.client
        .goto(&format!("{}/report", second.base_url))
        .await
        .unwrap();
    let mut n = 0;
    for _ in 0..100 {
        n = count().await;
        if n > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(n, 1, "the kept report arrives");
    b.client
        .execute("window.pinganFlush();", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(count().await, 1, "and only once");
    let e =
        &h.t.app
            .cases()
            .events(&h.commander, &find)
            .await
            .unwrap()
            .items[0];
    assert_eq!(
        (e.channel.as_str(), e.category_code.as_str()),
        ("citizen", "ZZ08")
    );
    b.close().await;
}

#[tokio::test]
async fn a_resident_signs_in_with_a_text_applies_on_the_phone_and_supplements_what_is_asked() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let gateway = crate::receiver::Receiver::start(vec![]).await;
    let h = crate::events::Hub::with_config(pingan_app::AppConfig {
        sms: pingan_app::SmsSender::Http {
            url: gateway.url.clone(),
        },
        ..Default::default()
    })
    .await;
    let village = h.grid[..12].to_owned();
    let phone = "13912340002";
    b.client.set_window_size(390, 844).await.unwrap();
    b.client.goto(&h.t.url("/login/phone")).await.unwrap();
    let form = wait_for(&b, "#phone-login").await;
    let field = |name: &'static str| {
        let form = form.clone();
        async move {
            form.find(Locator::Css(&format!("[name={name}]")))
                .await
                .unwrap()
        }
    };
    field("phone").await.send_keys(phone).await.unwrap();
    click(&b, "button[value=code]").await;
    let sent = visible_text(&b, "#code-sent").await;
    assert!(sent.contains("验证码已发送"), "{sent}");
    let text = gateway.bodies().last().unwrap()["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let code: String = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|d| d.len() == 6)
        .unwrap()
        .into();
    let form = wait_for(&b, "#phone-login").await;
    form.find(Locator::Css("[name=code]"))
        .await
        .unwrap()
        .send_keys(&code)
        .await
        .unwrap();
    form.find(Locator::Css("details summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    form.find(Locator::Css("[name=name]"))
        .await
        .unwrap()
        .send_keys("王秀英")
        .await
        .unwrap();
    form.find(Locator::Css("[name=org]"))
        .await
        .unwrap()
        .select_by_value(&village)
        .await
        .unwrap();
    screenshot(&b, "citizen-phone-login").await;
    click(&b, "button[value=signin]").await;
    wait_for(&b, "li.service[data-code=FW09]").await;
    screenshot(&b, "citizen-services").await;

    b.client
        .goto(&h.t.url("/services/FW09/apply"))
        .await
        .unwrap();
    let photo = std::env::temp_dir().join(format!("pingan-id-{}.png", std::process::id()));
    std::fs::write(&photo, crate::events::PNG).unwrap();
    wait_for(&b, "#apply-form [name=photo]")
        .await
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    fill_and_submit(
        &b,
        "#apply-form",
        &[
            ("name", "王秀英"),
            ("id_number", "511702195203150020"),
            ("phone", phone),
            ("note", "本人年满七十岁"),
        ],
    )
    .await;
    let stage = visible_text(&b, "#stage").await;
    assert!(stage.contains("等待窗口受理"), "{stage}");
    wait_for(&b, "#materials img").await;
    screenshot(&b, "citizen-application").await;

    // The counter says once what is missing; the resident reads it and sends it back.
    let mine =
        h.t.app
            .cases()
            .applications(&h.operator, &pingan_app::ApplicationListQuery::default())
            .await
            .unwrap();
    let id = mine.items[0].id;
    let notify: pingan_app::ApplicationActionRequest = serde_json::from_value(serde_json::json!({
        "action": "notify", "missing_materials": ["居民户口簿"]
    }))
    .unwrap();
    h.t.app
        .cases()
        .act_on_application(&h.operator, id, &notify)
        .await
        .unwrap();
    b.client.refresh().await.unwrap();
    let missing = visible_text(&b, "#missing").await;
    assert!(missing.contains("居民户口簿"), "{missing}");
    screenshot(&b, "citizen-application-missing").await;
    b.client
        .find(Locator::Css("form[data-action=resubmit] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let stage = visible_text(&b, "#state").await;
    assert_eq!(stage, "待受理");
    let _ = std::fs::remove_file(photo);
    b.close().await;
}

#[tokio::test]
async fn a_patrols_positions_kept_without_signal_are_sent_once_when_the_hub_is_back() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let h = crate::events::Hub::new().await;
    crate::add_user(
        &h.t,
        "xl-phone",
        "巡防队员",
        &h.grid,
        "grid_worker",
        "Patrol#Phone2026",
    )
    .await
    .unwrap();
    let team =
        h.t.app
            .patrols()
            .add_team(
                &h.operator,
                &pingan_app::PatrolTeamRequest {
                    name: "红袖标巡防二队".into(),
                    level: "village".into(),
                    kind: "red_armband".into(),
                    org: Some(h.grid[..12].into()),
                    headcount: 8,
                    members: vec!["xl-phone".into()],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    let who = h.t.ready("xl-phone", "Patrol#Phone2026").await;
    let first = h.t.another_instance().await;
    let base = first.base_url.clone();
    on_the_phone(&b, &base, &who, "/patrol").await;
    b.client.goto(&format!("{base}/patrol")).await.unwrap();
    wait_for(&b, "#start-form").await;
    click(&b, "#start").await;
    let status = visible_text(&b, "#patrol-status").await;
    assert!(status.contains("巡逻中"), "{status}");
    let record = |east: f64| {
        let p = (h.point.0 + east / 95_000.0, h.point.1);
        format!("window.pinganPatrolRecord({}, {});", p.0, p.1)
    };
    for i in 0..3 {
        b.client
            .execute(&record(f64::from(i) * 20.0), vec![])
            .await
            .unwrap();
    }
    let flushed = "const done = arguments[arguments.length - 1]; window.pinganPatrolFlush().then(() => done(true), () => done(false));";
    b.client.execute_async(flushed, vec![]).await.unwrap();
    let mine = || async {
        let commander = h.commander.user.as_ref().unwrap();
        h.t.app.patrols().patrols(commander, None).await.unwrap()
    };
    assert_eq!(mine().await[0].positions, 3);
    assert_eq!(mine().await[0].team_id, team.id);

    // No signal: two more positions wait on the phone.
    drop(first);
    tokio::time::sleep(Duration::from_millis(300)).await;
    for i in 3..5 {
        b.client
            .execute(&record(f64::from(i) * 20.0), vec![])
            .await
            .unwrap();
    }
    b.client.execute_async(flushed, vec![]).await.unwrap();
    let waiting = visible_text(&b, "#outbox").await;
    assert!(waiting.contains("待上传 2 个"), "{waiting}");
    screenshot(&b, "patrol-kept-offline").await;
    assert_eq!(mine().await[0].positions, 3);

    // The hub is back at the same address: the kept batch is sent, once, however often flushed.
    let _second = h.t.instance_at(base.trim_start_matches("http://")).await;
    for _ in 0..3 {
        b.client.execute_async(flushed, vec![]).await.unwrap();
    }
    assert_eq!(mine().await[0].positions, 5);
    let sent = visible_text(&b, "#outbox").await;
    assert!(
        sent.contains("已上传 5 个位置") && !sent.contains("待上传"),
        "{sent}"
    );
    b.close().await;
}

#[tokio::test]
async fn the_patrol_map_shows_the_patrols_out_and_the_key_roads() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let h = crate::events::Hub::new().await;
    let worker = h.worker.user.as_ref().unwrap().username.clone();
    let p = h.t.app.patrols();
    let team = p
        .add_team(
            &h.operator,
            &pingan_app::PatrolTeamRequest {
                name: "专职巡防队".into(),
                level: "township".into(),
                kind: "patrol_team".into(),
                headcount: 6,
                vehicle_plate: Some("川S·J1234".into()),
                members: vec![worker],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (lon, lat) = h.point;
    p.add_segment(
        &h.operator,
        &pingan_app::KeySegmentRequest {
            name: "西外大街".into(),
            kind: "road".into(),
            points: vec![[lon, lat], [lon + 0.004, lat]],
            windows: Some("00:00-23:59".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let patrol = p
        .start(
            &h.worker,
            &pingan_app::PatrolStart {
                client_id: "map-patrol-0001".into(),
                team_id: team.id,
            },
        )
        .await
        .unwrap();
    p.record_positions(
        &h.worker,
        patrol.id,
        &pingan_app::PositionBatch {
            client_id: "map-batch-0001".into(),
            coord: None,
            positions: vec![pingan_app::PositionEntry {
                at: chrono::Utc::now(),
                lon: lon + 0.001,
                lat,
            }],
        },
    )
    .await
    .unwrap();
    crate::add_user(
        &h.t,
        "xf-map",
        "巡防中队",
        &h.grid[..9],
        "operator",
        "Patrol#Map2026",
    )
    .await
    .unwrap();
    let who = h.t.ready("xf-map", "Patrol#Map2026").await;
    b.client.set_window_size(1280, 900).await.unwrap();
    log_in(&b, &h.t, &who.username, &who.password, "").await;
    b.client.goto(&h.t.url("/patrols")).await.unwrap();
    wait_for(&b, "#patrol-map[data-patrols='1']").await;
    let markers = b
        .client
        .find_all(Locator::Css("#patrol-map path.leaflet-interactive"))
        .await
        .unwrap();
    assert!(
        markers.len() >= 2,
        "the road and the patrol: {}",
        markers.len()
    );
    assert_eq!(visible_text(&b, "#patrols-active").await, "1");
    // Let the map's zoom to the patrol finish before the picture.
    tokio::time::sleep(Duration::from_millis(800)).await;
    screenshot(&b, "patrols-page").await;
    b.close().await;
}
