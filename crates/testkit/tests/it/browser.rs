//! Browser tests: a person logs in with headless Chromium, opens the org tree and the map, and
//! sees what they should. Run with `--features browser` (`.ci/run` does).

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

/// The visible text of an element once it has faded in (Leaflet animates popups), up to five seconds.
async fn visible_text(b: &Browser, css: &str) -> String {
    let el = wait_for(b, css).await;
    for _ in 0..50 {
        let text = el.text().await.unwrap();
        if !text.is_empty() {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} 一直没有可见文字");
}

async fn log_in(b: &Browser, t: &TestApp, user: &str, password: &str) {
    b.client.goto(&t.url("/")).await.unwrap();
    wait_for(b, "input[name=username]")
        .await
        .send_keys(user)
        .await
        .unwrap();
    b.client
        .find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    b.client
        .find(Locator::Css("form button[type=submit]"))
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
async fn log_in_then_see_the_org_tree_and_the_map() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let (t, demo) = TestApp::spawn_demo().await;

    log_in(&b, &t, "admin", "Wrong#Pass1").await;
    let alert = wait_for(&b, ".error").await.text().await.unwrap();
    assert_eq!(alert, "用户名或密码错误");

    log_in(&b, &t, "admin", demo.admin_password.as_deref().unwrap()).await;
    let lead = wait_for(&b, ".figures").await.text().await.unwrap();
    assert!(lead.contains("36") && lead.contains("网格"), "{lead}");
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
    let count = b
        .client
        .find(Locator::Css("#grid-count"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(count, "36");
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

    b.close().await;
}

#[tokio::test]
async fn the_pages_fit_a_phone() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let (t, demo) = TestApp::spawn_demo().await;
    b.client.set_window_size(390, 844).await.unwrap();
    log_in(
        &b,
        &t,
        "wg511702001001001",
        demo.account_password.as_deref().unwrap(),
    )
    .await;
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
    b.close().await;
}
