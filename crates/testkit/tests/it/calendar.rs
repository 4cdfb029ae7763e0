//! The work calendar: the shipped arrangement, administrators' edits, deadlines.

use crate::client;
use chrono::NaiveDate;
use pingan_app::{Actor, AppError};
use pingan_testkit::TestApp;
use reqwest::StatusCode;

#[tokio::test]
async fn the_calendar_page_shows_the_year_warns_of_gaps_and_computes_deadlines() {
    let (t, demo) = TestApp::spawn_demo().await;
    let (c, mut commander) = crate::commander_on_the_web(&t, &demo).await;
    let html = crate::page(&c, &t, "/calendar?year=2026").await;
    assert!(html.contains("国庆节") && html.contains("调休上班") && html.contains("国务院通知"));
    assert!(
        html.contains("2027 年的放假调休安排尚未录入"),
        "the next year is missing"
    );
    assert!(
        !html.contains("action=\"/calendar/days\""),
        "a commander cannot edit"
    );

    let html = crate::page(
        &c,
        &t,
        "/calendar?from=2026-09-30T10:00&amount=3&unit=work_days",
    )
    .await;
    assert!(
        html.contains("2026-10-10 17:30 星期六"),
        "国庆 skipped, the make-up Saturday counted"
    );
    let res = c
        .get(t.url("/calendar?from=yesterday&amount=3&unit=work_days"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = c
        .post(t.url("/calendar/days"))
        .form(&[("day", "2027-01-01"), ("kind", "holiday"), ("name", "元旦")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "a commander may not edit the calendar"
    );
    let commander_user = t
        .app
        .access()
        .authenticate(&t.token(&mut commander).await)
        .await
        .unwrap();
    assert!(
        !t.app
            .org()
            .calendar_year(&commander_user, 2027)
            .await
            .unwrap()
            .entered
    );
}

#[tokio::test]
async fn administrators_edit_the_calendar_and_their_edits_survive_a_restart() {
    let t = TestApp::spawn().await;
    t.app
        .org()
        .set_calendar_day(
            &Actor::cli(),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            false,
            "元旦",
        )
        .await
        .unwrap();
    t.app
        .org()
        .clear_calendar_day(&Actor::cli(), NaiveDate::from_ymd_opt(2026, 10, 1).unwrap())
        .await
        .unwrap();
    let e = t
        .app
        .org()
        .set_calendar_day(
            &Actor::cli(),
            NaiveDate::from_ymd_opt(2027, 1, 2).unwrap(),
            false,
            " ",
        )
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Invalid(_)));
    assert!(
        t.app
            .org()
            .clear_calendar_day(&Actor::cli(), NaiveDate::from_ymd_opt(2026, 3, 3).unwrap())
            .await
            .is_err()
    );

    // A restart syncs the shipped arrangement again: the deleted official day stays deleted.
    let keys = std::sync::Arc::new(pingan_app::MasterKey::from_bytes([2; 32]));
    let again = pingan_app::App::open(t.db.url(), pingan_app::AppConfig::default(), keys)
        .await
        .unwrap();
    let calendar = again.org().work_calendar().await.unwrap();
    assert!(calendar.is_workday(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()));
    assert!(!calendar.is_workday(NaiveDate::from_ymd_opt(2026, 10, 2).unwrap()));
    assert!(!calendar.is_workday(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
    assert!(calendar.knows_year(2027));
    again.close().await;
}

#[tokio::test]
async fn the_api_computes_deadlines_and_explains_bad_input() {
    let (t, demo) = TestApp::spawn_demo().await;
    let token = crate::ready_token(&t, "commander", &demo).await;
    let get = |q: &'static str| {
        let url = t.url(&format!("/api/v1/calendar/deadline?{q}"));
        let token = token.clone();
        async move {
            let res = client().get(url).bearer_auth(token).send().await.unwrap();
            (res.status(), res.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, body) = get("from=2026-09-30T10:00:00%2B08:00&amount=3&unit=work_days").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["deadline"], "2026-10-10T17:30:00+08:00");
    assert_eq!(body["unit_label"], "工作日");
    let (status, body) = get("from=2026-11-27T16:30:00%2B08:00&amount=2&unit=work_hours").await;
    assert_eq!(
        (status, body["deadline"].as_str()),
        (StatusCode::OK, Some("2026-11-30T09:30:00+08:00"))
    );
    let (status, body) = get("from=tomorrow&amount=3&unit=work_days").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["detail"].as_str().unwrap().contains("RFC 3339"));
    let (status, _) = get("from=2026-09-30T10:00:00%2B08:00&amount=-1&unit=work_days").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = get("from=2026-09-30T10:00:00%2B08:00&amount=3&unit=weeks").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["detail"].as_str().unwrap().contains("work_days"));
}
