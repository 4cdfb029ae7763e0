//! `/metrics`: Prometheus' text format with requests by route template, the intake queue, the SIP
//! devices, the sweeper and the pool — for this machine and the configured scrapers only.

use pingan_app::AppConfig;
use pingan_testkit::TestApp;

async fn scrape(t: &TestApp, forwarded_for: Option<&str>) -> (u16, String) {
    let mut req = reqwest::Client::new().get(t.url("/metrics"));
    if let Some(a) = forwarded_for {
        req = req.header("x-forwarded-for", a);
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_answer_only_this_machine_and_the_scrapers() {
    let loopback: std::net::IpAddr = "127.0.0.1".parse().unwrap();
    let scraper: std::net::IpAddr = "198.51.100.7".parse().unwrap();
    let t = TestApp::spawn_with(AppConfig {
        trusted_proxies: vec![loopback],
        metrics_allow: vec![scraper],
        ..Default::default()
    })
    .await;
    let c = reqwest::Client::new();
    for _ in 0..2 {
        assert_eq!(c.get(t.url("/healthz")).send().await.unwrap().status(), 200);
    }
    let res = c.get(t.url("/api/v1/events/123")).send().await.unwrap();
    assert_eq!(res.status(), 401);

    // The sweeper finishes its first round within a second or two of start.
    let mut text = String::new();
    for _ in 0..50 {
        let (status, body) = scrape(&t, None).await;
        assert_eq!(status, 200, "{body}");
        text = body;
        if text.contains("pingan_sweeper_lag_seconds ") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for line in [
        "pingan_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 2",
        "pingan_http_requests_total{route=\"/api/v1/events/{id}\",method=\"GET\",status=\"401\"} 1",
        "pingan_http_request_duration_seconds_bucket{route=\"/healthz\",method=\"GET\",le=\"+Inf\"} 2",
        "pingan_http_request_duration_seconds_count{route=\"/healthz\",method=\"GET\"} 2",
        "pingan_intake_queue_depth 0",
        "pingan_sip_devices_registered 0",
        "# TYPE pingan_sweeper_lag_seconds gauge",
        "# TYPE pingan_db_pool_connections gauge",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
    assert!(
        !text.contains("/api/v1/events/123"),
        "ids never become labels"
    );
    let max: u32 = text
        .lines()
        .find_map(|l| l.strip_prefix("pingan_db_pool_max "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(max >= 4, "{max}");

    // Through the reverse proxy, a remote client is refused; the configured scraper is not.
    let (status, body) = scrape(&t, Some("203.0.113.9")).await;
    assert_eq!(status, 403);
    assert!(body.contains("metrics_allow"), "{body}");
    assert_eq!(scrape(&t, Some("198.51.100.7")).await.0, 200);
}
