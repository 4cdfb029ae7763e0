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
