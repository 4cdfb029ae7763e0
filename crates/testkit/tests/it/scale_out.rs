//! Several instances behind a load balancer without sticky sessions: two servers over one
//! database and one S3 bucket, behind a round-robin proxy that sends each new connection to the
//! next one. An import started on one is followed on the other, a photo uploaded to one is read
//! from both, and (on PostgreSQL, where several instances are supported) a change made on either
//! reaches a stream held by either.

use crate::events::{Hub, PNG, next_case_change, stream};
use crate::persons::{as_rows, people, sheet};
use pingan_testkit::{RoundRobin, S3Server};
use serde_json::Value;

#[tokio::test]
async fn two_instances_behind_a_round_robin_proxy_share_imports_photos_and_the_stream() {
    let Some(s3) = S3Server::start().await else {
        return;
    };
    let h = Hub::with_config(pingan_app::AppConfig {
        files: Some(s3.files()),
        ..Default::default()
    })
    .await;
    // `pingan doctor` writes to the bucket and says so; a bucket that is not there is named.
    let files_finding = |files: pingan_app::FilesConfig| {
        let db = h.t.db.url().clone();
        async move {
            pingan_app::doctor::checkup(pingan_app::doctor::Deployment {
                db: &db,
                key: Err("未检查".into()),
                files: &files,
                sip: None,
            })
            .await
            .into_iter()
            .find(|f| f.what == "附件存储")
            .unwrap()
        }
    };
    let found = files_finding(s3.files()).await;
    assert!(
        found.ok && found.detail.contains("对象存储 s3://"),
        "{found:?}"
    );
    let pingan_app::FilesConfig::S3 { options, .. } = s3.files() else {
        unreachable!()
    };
    let missing = pingan_app::FilesConfig::S3 {
        url: "s3://no-such-bucket".into(),
        options,
    };
    let found = files_finding(missing).await;
    assert!(!found.ok && found.detail.contains("不可写"), "{found:?}");

    let second = h.t.another_instance().await;
    let proxy = RoundRobin::start(&[&h.t.base_url, &second.base_url]).await;
    // No connection is reused: every request opens one, and the proxy takes turns.
    let c = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let url = |path: &str| format!("{}{path}", proxy.base_url);

    // An import taken by one instance is followed to its end through both.
    let res = c
        .post(url(&format!("/api/v1/persons/import/jobs?grid={}", h.grid)))
        .bearer_auth(&h.tokens.operator)
        .body(sheet(&as_rows(&people())))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let job: Value = res.json().await.unwrap();
    let path = url(&format!(
        "/api/v1/persons/import/jobs/{}",
        job["id"].as_str().unwrap()
    ));
    let mut state = job;
    for _ in 0..200 {
        if state["state"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let res = c
            .get(&path)
            .bearer_auth(&h.tokens.operator)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "every instance knows the job");
        state = res.json().await.unwrap();
    }
    assert_eq!(state["state"], "done", "{state}");
    assert_eq!(state["report"]["inserted"], 3, "{state}");

    // A photo uploaded through one instance is read through both, from the bucket.
    let e = h.report("scale-0001").await;
    let form = reqwest::multipart::Form::new()
        .text("stage", "before")
        .part(
            "file",
            reqwest::multipart::Part::bytes(PNG.to_vec()).file_name("现场.png"),
        );
    let res = c
        .post(url(&format!("/api/v1/events/{}/photos", e.id)))
        .bearer_auth(&h.tokens.operator)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let photos: Value = res.json().await.unwrap();
    let photo = photos[0]["url"].as_str().unwrap().to_owned();
    for _ in 0..4 {
        let res = c
            .get(url(&photo))
            .bearer_auth(&h.tokens.operator)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    }
    for app in [&h.t.app, &second.app] {
        assert_eq!(app.cases().missing_photo_files().await.unwrap(), (0, 1));
    }
    let sides = proxy.connections();
    assert!(
        sides.iter().all(|&n| n >= 3),
        "both instances served: {sides:?}"
    );

    if h.t.app.backend() == pingan_app::Backend::Postgres {
        // A stream held through the proxy hears the changes made on either instance.
        let mut s = stream(&proxy.base_url, &h.tokens.commander).await;
        let on_first = h.report("scale-0002").await;
        assert_eq!(next_case_change(&mut s).await["case_id"], on_first.id);
        let on_second = second
            .app
            .cases()
            .report_event(
                &h.worker,
                &h.intake("scale-0003", "治安隐患", "楼道堆放杂物"),
            )
            .await
            .unwrap()
            .event;
        assert_eq!(next_case_change(&mut s).await["case_id"], on_second.id);
    }
}
