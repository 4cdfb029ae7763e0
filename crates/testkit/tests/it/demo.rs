//! The demo district, loaded through the app as `pingan demo` does.

use pingan_app::Actor;
use pingan_app::demo::DemoScale;
use pingan_domain::{OrgCode, Scope};
use pingan_testkit::TestApp;

fn district() -> Scope {
    Scope::org(OrgCode::parse("511702").unwrap())
}

#[tokio::test]
async fn small_demo_has_every_township_and_a_worker_per_grid() {
    let (t, outcome) = TestApp::spawn_demo().await;
    assert!(outcome.created);
    let s = outcome.summary;
    // The 209 official villages and communities; the small demo gives two per township a grid.
    assert_eq!(
        (s.townships, s.villages, s.grids, s.grid_workers),
        (18, 209, 36, 36)
    );
    // 成员单位, each township's police station and 司法所; the mediation organisations: the
    // district's committee, 5 professional ones, the court's and the petition office's; a
    // committee and a police mediation room per township; a committee per village with grids.
    let mediation = 8 + 18 * 2 + 36;
    assert_eq!(
        (s.departments, s.mediation_organisations),
        (18 + 18 * 2, mediation)
    );
    assert!(t.app.is_demo().await.unwrap());
    let users = t
        .app
        .access()
        .list_users(&Actor::cli(), &district(), 1000)
        .await
        .unwrap();
    assert_eq!(
        users.len(),
        1 + 1 + 2 + 1 + 1 + 18 + 18 + 36 + 36 + 54 + mediation,
        "admin, commander, two leaders, the clue office, the credit-list keeper, township hubs and their leaders, village stations, grid workers, a handler per department, a mediator per mediation organisation"
    );
}

#[tokio::test]
async fn a_second_load_reuses_the_data_and_loses_nothing() {
    let (t, first) = TestApp::spawn_demo().await;
    crate::add_user(&t, "added", "", "511702001", "operator", "Extra#Acct2026")
        .await
        .unwrap();
    let again = t.app.load_demo(DemoScale::Small).await.unwrap();
    assert!(!again.created);
    assert!(again.admin_password.is_none(), "no new password is printed");
    assert_eq!(again.summary.grids, first.summary.grids);
    t.app
        .access()
        .login("added", "Extra#Acct2026", None)
        .await
        .unwrap();
    t.app
        .access()
        .login("admin", first.admin_password.as_deref().unwrap(), None)
        .await
        .unwrap();
    t.app
        .access()
        .login(
            "wg511702001001001",
            first.account_password.as_deref().unwrap(),
            None,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_demo_never_writes_into_a_database_with_real_accounts() {
    let t = TestApp::spawn().await;
    crate::add_user(&t, "realadmin", "", "511702", "sysadmin", "Real#Admin2026")
        .await
        .unwrap();
    let err = t.app.load_demo(DemoScale::Small).await.unwrap_err();
    assert!(err.to_string().contains("--data-dir"), "{err}");
    assert!(!t.app.is_demo().await.unwrap());
}

#[tokio::test]
async fn shipped_reference_data_is_loaded_at_start() {
    let t = TestApp::spawn().await;
    let ethnicity = t.app.org().code_table("ethnicity").await.unwrap();
    assert_eq!(ethnicity.len(), 58);
    assert_eq!(ethnicity[0], ("01".to_owned(), "汉族".to_owned()));
    for key in [
        "sex",
        "relation",
        "document_type",
        "political_status",
        "education",
    ] {
        assert!(
            !t.app.org().code_table(key).await.unwrap().is_empty(),
            "{key}"
        );
    }
    crate::add_user(&t, "viewer", "", "511702", "leader", "View#Only2026")
        .await
        .unwrap();
    let viewer = t
        .app
        .access()
        .login("viewer", "View#Only2026", None)
        .await
        .unwrap()
        .user;
    let townships = t
        .app
        .org()
        .org_children(&viewer, Some("511702"))
        .await
        .unwrap();
    assert_eq!(
        townships.len(),
        18,
        "the real townships exist without the demo"
    );
    assert_eq!(townships[0].name, "东城街道");
}

#[tokio::test]
async fn accounts_follow_the_rules() {
    let t = TestApp::spawn().await;
    let add = |u: &'static str, org: &'static str, role: &'static str, p: &'static str| {
        crate::add_user(&t, u, "", org, role, p)
    };
    assert!(
        add("ok_user", "511702", "commander", "Good#Pass2026")
            .await
            .is_ok()
    );
    let msg = |r: Result<(), pingan_app::AppError>| r.unwrap_err().to_string();
    assert!(msg(add("ok_user", "511702", "commander", "Good#Pass2026").await).contains("已被占用"));
    assert!(msg(add("weak", "511702", "commander", "password").await).contains("至少 3 类"));
    assert!(msg(add("x", "511702", "commander", "Good#Pass2026").await).contains("3 到 32"));
    assert!(msg(add("badrole", "511702", "king", "Good#Pass2026").await).contains("grid_worker"));
    assert!(msg(add("badorg", "511799", "operator", "Good#Pass2026").await).contains("不存在"));

    let session = t
        .app
        .access()
        .login("ok_user", "Good#Pass2026", None)
        .await
        .unwrap();
    t.app
        .access()
        .set_password(&Actor::cli(), "ok_user", "Other#Pass2026")
        .await
        .unwrap();
    assert!(
        t.app.access().authenticate(&session.token).await.is_err(),
        "password change ends sessions"
    );
    t.app
        .access()
        .login("ok_user", "Other#Pass2026", None)
        .await
        .unwrap();
    t.app
        .access()
        .disable_user(&Actor::cli(), "ok_user")
        .await
        .unwrap();
    assert!(
        t.app
            .access()
            .login("ok_user", "Other#Pass2026", None)
            .await
            .is_err(),
        "disabled accounts cannot log in"
    );
}

#[tokio::test]
async fn the_demo_population_lives_in_households_and_is_visited() {
    let (t, demo) = TestApp::spawn_demo().await;
    let seen = std::sync::Mutex::new(Vec::new());
    let written = t
        .app
        .seed_demo_population(3_000, |done, grids, persons| {
            seen.lock().unwrap().push((done, grids, persons));
        })
        .await
        .unwrap();
    assert_eq!(written, 3_000);
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.last(), Some(&(36, 36, 3_000)));
    // Resuming finds every grid done.
    assert_eq!(
        t.app
            .seed_demo_population(3_000, |_, _, _| {})
            .await
            .unwrap(),
        0
    );

    let commander =
        crate::signed_in(&t, "commander", demo.account_password.as_deref().unwrap()).await;
    let persons = t
        .app
        .registry()
        .persons(&commander, &Default::default())
        .await
        .unwrap();
    assert_eq!((persons.total.count, persons.total.exact), (3_000, true));
    // The enterprises placed with the population got their 法律健康档案, some risks still open.
    let risks = t
        .app
        .legal()
        .open_risks(&pingan_app::Actor::user(commander.clone(), None), None)
        .await
        .unwrap();
    assert!(
        !risks.is_empty(),
        "the demo's enterprises have open legal risks"
    );
    let households = t
        .app
        .registry()
        .households(&commander, &Default::default())
        .await
        .unwrap();
    let total = households.total.count;
    assert!((900..1_300).contains(&total), "{total} households");
    let one = t
        .app
        .registry()
        .household(&commander, households.rows[0].id)
        .await
        .unwrap();
    assert_eq!(one.members[0].relation.as_deref(), Some("户主"));
    let members = t
        .app
        .registry()
        .members(&commander, &Default::default())
        .await
        .unwrap();
    assert!(
        (10..80).contains(&members.len()),
        "{} members",
        members.len()
    );
    assert!(members.iter().all(|m| m.last_visit.is_some()));
    let places = t
        .app
        .registry()
        .places(&commander, &Default::default())
        .await
        .unwrap();
    let total = places.total.count;
    assert!(total > 36 * 3, "{total} places");
    assert!(places.rows.iter().any(|p| p.category == "school"));
    let firms = t
        .app
        .registry()
        .places(
            &commander,
            &pingan_app::PlaceQuery {
                category: Some("enterprise".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(firms.rows.iter().all(|f| f.credit_code.is_some()));
    let rentals = t
        .app
        .registry()
        .places(
            &commander,
            &pingan_app::PlaceQuery {
                category: Some("rental_house".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        rentals.total.count > 10,
        "{:?} rental houses",
        rentals.total
    );
    let house = t
        .app
        .registry()
        .place(&commander, rentals.rows[0].id)
        .await
        .unwrap();
    assert!(!house.tenants.is_empty());
    assert!(house.tenants.iter().all(|p| p.residence == "floating"));
    let coverage = t
        .app
        .registry()
        .visit_coverage(&commander, None)
        .await
        .unwrap();
    assert_eq!(
        coverage.iter().map(|c| c.members).sum::<usize>(),
        members.len()
    );
}
