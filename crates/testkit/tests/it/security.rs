//! The security core: audit chain, lockout, capabilities and scope, sealed personal data.

use crate::{add_user, client};
use pingan_app::{
    Actor, AppConfig, AppError, AuditFilter, AuditVerdict, LockoutPolicy, NewAccount,
};
use pingan_domain::{OrgCode, Scope};
use pingan_testkit::TestApp;
use reqwest::StatusCode;
use std::time::Duration;

async fn verdict(t: &TestApp) -> AuditVerdict {
    t.app.access().verify_audit(&Actor::cli()).await.unwrap()
}

fn broken_at(v: AuditVerdict) -> (i64, String) {
    match v {
        AuditVerdict::Broken { id, reason } => (id, reason),
        AuditVerdict::Intact { records, .. } => {
            panic!("expected a broken chain, got {records} intact records")
        }
    }
}

/// A demo district with a few logins and account changes on the record.
async fn with_history() -> TestApp {
    let (t, demo) = TestApp::spawn_demo().await;
    let admin = demo.admin_password.unwrap();
    t.app
        .access()
        .login("admin", &admin, Some("10.1.1.1".into()))
        .await
        .unwrap();
    assert!(
        t.app
            .access()
            .login("admin", "Wrong#Pass1", Some("10.1.1.2".into()))
            .await
            .is_err()
    );
    add_user(&t, "chain1", "", "511702", "leader", "Chain#One2026")
        .await
        .unwrap();
    add_user(&t, "chain2", "", "511702", "leader", "Chain#Two2026")
        .await
        .unwrap();
    t
}

#[tokio::test]
async fn every_login_and_change_is_on_the_record_and_the_chain_holds() {
    let t = with_history().await;
    let auditor = {
        add_user(
            &t,
            "auditor1",
            "审计员",
            "511702",
            "auditor",
            "Audit#Only2026",
        )
        .await
        .unwrap();
        crate::signed_in(&t, "auditor1", "Audit#Only2026").await
    };
    let actor = Actor::user(auditor, None);
    let all = t
        .app
        .access()
        .search_audit(&actor, &AuditFilter::default(), 100)
        .await
        .unwrap();
    let actions: Vec<&str> = all.iter().rev().map(|r| r.event.action.as_str()).collect();
    assert_eq!(actions[0], "demo.load");
    assert!(
        actions.contains(&"login")
            && actions.contains(&"login.failed")
            && actions.contains(&"user.create")
    );
    let failed = all
        .iter()
        .find(|r| r.event.action == "login.failed")
        .unwrap();
    assert_eq!(
        (
            failed.event.username.as_str(),
            failed.event.source_addr.as_deref(),
            failed.event.result.as_str()
        ),
        ("admin", Some("10.1.1.2"), "failed")
    );
    let created = all
        .iter()
        .find(|r| r.event.object == "user:chain2")
        .unwrap();
    assert!(
        created.event.detail.contains("\"after\"")
            && !created.event.detail.contains("Chain#Two2026"),
        "no password in the record"
    );

    let filter = AuditFilter {
        action_prefix: Some("login".into()),
        ..Default::default()
    };
    let logins = t
        .app
        .access()
        .search_audit(&actor, &filter, 100)
        .await
        .unwrap();
    assert!(logins.iter().all(|r| r.event.action.starts_with("login")));

    match verdict(&t).await {
        AuditVerdict::Intact { records, .. } => assert!(records >= 6, "{records}"),
        v => panic!("{v:?}"),
    }
}

#[tokio::test]
async fn an_altered_row_is_named() {
    let t = with_history().await;
    t.db.execute("UPDATE audit_log SET result = 'ok' WHERE action = 'login.failed'")
        .await;
    let (id, reason) = broken_at(verdict(&t).await);
    assert_eq!(id, 3, "demo.load, login, then the failed login");
    assert!(reason.contains("被修改"), "{reason}");
}

#[tokio::test]
async fn a_deleted_row_is_named() {
    let t = with_history().await;
    t.db.execute("DELETE FROM audit_log WHERE id = 2").await;
    let (id, reason) = broken_at(verdict(&t).await);
    assert_eq!(id, 2);
    assert!(reason.contains("删除"), "{reason}");
}

#[tokio::test]
async fn deleting_the_newest_rows_is_noticed() {
    let t = with_history().await;
    t.db.execute("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
        .await;
    let (_, reason) = broken_at(verdict(&t).await);
    assert!(reason.contains("末尾"), "{reason}");
}

#[tokio::test]
async fn reordered_rows_are_named() {
    let t = with_history().await;
    // Swap the contents of rows 2 and 3 (ids stay in place).
    t.db.execute(
        "UPDATE audit_log SET id = -2 WHERE id = 2;
         UPDATE audit_log SET id = 2 WHERE id = 3;
         UPDATE audit_log SET id = 3 WHERE id = -2;",
    )
    .await;
    let (id, _) = broken_at(verdict(&t).await);
    assert_eq!(id, 2);
}

#[tokio::test]
async fn the_sixth_try_is_refused_without_checking_and_the_lock_ends_by_itself() {
    let config = AppConfig {
        lockout: LockoutPolicy {
            lock_for: Duration::from_secs(2),
            ..LockoutPolicy::default()
        },
        ..AppConfig::default()
    };
    let t = TestApp::spawn_with(config).await;
    add_user(&t, "victim", "", "511702", "leader", "Right#Pass2026")
        .await
        .unwrap();
    for _ in 0..5 {
        assert!(matches!(
            t.app.access().login("victim", "Wrong#Pass1", None).await,
            Err(AppError::LoginFailed)
        ));
    }
    let err = t
        .app
        .access()
        .login("victim", "Right#Pass2026", None)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::TooManyAttempts(_)), "{err:?}");
    assert!(err.to_string().contains("分钟后再试"));
    // Unknown names are counted and locked the same way: the answer tells nothing.
    for _ in 0..5 {
        assert!(matches!(
            t.app.access().login("nobody", "x", None).await,
            Err(AppError::LoginFailed)
        ));
    }
    assert!(matches!(
        t.app.access().login("nobody", "x", None).await,
        Err(AppError::TooManyAttempts(_))
    ));

    tokio::time::sleep(Duration::from_millis(2100)).await;
    t.app
        .access()
        .login("victim", "Right#Pass2026", None)
        .await
        .expect("unlocked after the lock period");
}

#[tokio::test]
async fn a_source_address_is_locked_across_account_names() {
    let t = TestApp::spawn().await;
    for i in 0..5 {
        let _ = t
            .app
            .access()
            .login(&format!("guess{i}"), "x", Some("10.9.9.9".into()))
            .await;
    }
    add_user(&t, "innocent", "", "511702", "leader", "Fine#Pass2026")
        .await
        .unwrap();
    let from_attacker = t
        .app
        .access()
        .login("innocent", "Fine#Pass2026", Some("10.9.9.9".into()))
        .await;
    assert!(matches!(from_attacker, Err(AppError::TooManyAttempts(_))));
    t.app
        .access()
        .login("innocent", "Fine#Pass2026", Some("10.1.1.1".into()))
        .await
        .expect("another address is not locked");
}

#[tokio::test]
async fn the_api_answers_429_when_locked() {
    let t = TestApp::spawn().await;
    let c = client();
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = c
            .post(t.url("/api/v1/session"))
            .json(&serde_json::json!({"username": "someone", "password": "nope"}))
            .send()
            .await
            .unwrap()
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn roles_reach_only_their_own_pages_and_api() {
    let (t, _) = TestApp::spawn_demo().await;
    for (user, role, org) in [
        ("r_sys", "sysadmin", "511702"),
        ("r_sec", "secadmin", "511702"),
        ("r_aud", "auditor", "511702"),
        ("r_op", "operator", "511702001"),
        ("r_cit", "citizen", "511702001"),
    ] {
        add_user(&t, user, "", org, role, "Matrix#Test2026")
            .await
            .unwrap();
    }
    // (user, path, expected status) — pages answer 403 with a page, the API with a problem.
    let matrix = [
        ("r_sys", "/users", 200),
        ("r_sys", "/audit", 403),
        ("r_sys", "/org", 200),
        ("r_sys", "/api/v1/org-units", 200),
        ("r_sec", "/users", 403),
        ("r_sec", "/security", 200),
        ("r_sys", "/security", 403),
        ("r_aud", "/security", 403),
        ("r_sec", "/audit", 403),
        ("r_sec", "/org", 200),
        ("r_aud", "/audit", 200),
        ("r_aud", "/users", 403),
        ("r_aud", "/org", 403),
        ("r_aud", "/map", 403),
        ("r_aud", "/api/v1/org-units", 403),
        ("r_aud", "/api/v1/grids", 403),
        ("r_aud", "/audit/export.csv", 200),
        ("r_op", "/org", 200),
        ("r_op", "/users", 403),
        ("r_op", "/audit", 403),
        ("r_op", "/api/v1/grids", 200),
        ("r_cit", "/org", 403),
        ("r_cit", "/api/v1/grids/locate?lat=31.2&lon=107.5", 403),
        ("r_cit", "/account", 200),
    ];
    let mut tokens = std::collections::HashMap::new();
    for user in ["r_sys", "r_sec", "r_aud", "r_op", "r_cit"] {
        let mut ready = t.ready(user, "Matrix#Test2026").await;
        tokens.insert(user, t.token(&mut ready).await);
    }
    for (user, path, expected) in matrix {
        let c = client();
        let token = &tokens[user];
        let status = c
            .get(t.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), expected, "{user} {path}");
    }
}

#[tokio::test]
async fn account_management_stays_within_scope() {
    let (t, _) = TestApp::spawn_demo().await;
    add_user(
        &t,
        "east_admin",
        "",
        "511702001",
        "sysadmin",
        "East#Admin2026",
    )
    .await
    .unwrap();
    let me = crate::signed_in(&t, "east_admin", "East#Admin2026").await;
    let actor = Actor::user(me, None);
    let account = |org: &str| NewAccount {
        username: format!("new_{org}"),
        org: org.into(),
        role: "operator".into(),
        password: "New#Account2026".into(),
        ..NewAccount::default()
    };
    t.app
        .access()
        .add_user(&actor, &account("511702001001"))
        .await
        .expect("own township");
    let err = t
        .app
        .access()
        .add_user(&actor, &account("511702002"))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden(_)), "{err:?}");
    // Asking for the whole district still yields only the township's accounts.
    let district = Scope::org(OrgCode::parse("511702").unwrap());
    let seen = t
        .app
        .access()
        .list_users(&actor, &district, 1000)
        .await
        .unwrap();
    assert!(!seen.is_empty() && seen.iter().all(|u| u.org_code.starts_with("511702001")));
    assert!(
        t.app
            .access()
            .disable_user(&actor, "op511702002")
            .await
            .is_err(),
        "another township's account"
    );
    assert!(
        t.app
            .access()
            .set_password(&actor, "commander", "Taken#Over2026")
            .await
            .is_err(),
        "a district account"
    );
}

#[tokio::test]
async fn phones_are_sealed_at_rest_found_by_blind_index_and_masked() {
    let t = TestApp::spawn().await;
    let account = NewAccount {
        username: "phoned".into(),
        org: "511702".into(),
        role: "leader".into(),
        password: "Phone#Owner2026".into(),
        phone: Some("138 1234 5678".into()),
        ..NewAccount::default()
    };
    t.app
        .access()
        .add_user(&Actor::cli(), &account)
        .await
        .unwrap();
    let bad = NewAccount {
        username: "badphone".into(),
        phone: Some("12345".into()),
        ..account.clone()
    };
    assert!(
        t.app
            .access()
            .add_user(&Actor::cli(), &bad)
            .await
            .unwrap_err()
            .to_string()
            .contains("手机号码")
    );

    let district = Scope::org(OrgCode::parse("511702").unwrap());
    let found = t
        .app
        .access()
        .find_users_by_phone(&Actor::cli(), &district, "+86 13812345678")
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].phone.as_deref(), Some("138****5678"));
    assert!(
        t.app
            .access()
            .find_users_by_phone(&Actor::cli(), &district, "13900000000")
            .await
            .unwrap()
            .is_empty()
    );

    if !t.db.is_postgres() {
        let backup = t.db.dir().join("backup.db");
        t.app.backup_to(backup.to_str().unwrap()).await.unwrap();
        t.app.close().await; // checkpoint the WAL into the file; the backup sits beside it
        let dir = t.db.dir();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            assert!(
                !bytes.windows(11).any(|w| w == b"13812345678"),
                "plaintext phone in the database files"
            );
        }
    }
}

#[tokio::test]
async fn api_tokens_are_shown_once_scoped_and_revocable() {
    let (t, demo) = TestApp::spawn_demo().await;
    let (c, _) = crate::commander_on_the_web(&t, &demo).await;
    let res = c
        .post(t.url("/account/tokens"))
        .form(&[("name", "12345 热线对接"), ("org", "511702001")])
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    let start = html.find("id=\"issued-token\">").unwrap() + "id=\"issued-token\">".len();
    let token = html[start..].split('<').next().unwrap().to_owned();
    assert!(token.starts_with("pat_") && token.len() == 68, "{token}");
    let again = crate::page(&c, &t, "/account").await;
    assert!(!again.contains(&token), "shown only once");
    assert!(again.contains("12345 热线对接") && again.contains(&token[..12]));

    // The token acts as its owner, limited to its org unit.
    let fc: serde_json::Value = client()
        .get(t.url("/api/v1/grids"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 2);
    assert!(codes.iter().all(|c| c.starts_with("511702001")));

    let bad = c
        .post(t.url("/account/tokens"))
        .form(&[("name", "越权"), ("org", "511703")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    let html = crate::page(&c, &t, "/account").await;
    let at = html.find("/account/tokens/").unwrap() + "/account/tokens/".len();
    let id = html[at..].split('/').next().unwrap().to_owned();
    let res = c
        .post(t.url(&format!("/account/tokens/{id}/revoke")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = client()
        .get(t.url("/api/v1/grids"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_old_password_must_be_changed_before_anything_else() {
    let config = AppConfig {
        password_max_age: Some(Duration::from_secs(1)),
        ..AppConfig::default()
    };
    let t = TestApp::spawn_with(config).await;
    add_user(&t, "aging", "", "511702", "leader", "Old#Secret2026")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let outcome = t
        .app
        .access()
        .login("aging", "Old#Secret2026", None)
        .await
        .unwrap();
    assert_eq!(
        outcome.user.setup,
        Some(pingan_app::SetupStep::PasswordExpired)
    );
    let err = t
        .app
        .org()
        .org_children(&outcome.user, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("密码已到期"), "{err}");
    let actor = Actor::user(outcome.user, None);
    t.app
        .access()
        .change_own_password(&actor, "Old#Secret2026", "Fresh#Pass2026")
        .await
        .unwrap();
    let fresh = t
        .app
        .access()
        .login("aging", "Fresh#Pass2026", None)
        .await
        .unwrap();
    assert_eq!(fresh.user.setup, None);
}

#[tokio::test]
async fn revealing_a_phone_needs_the_permission_a_reason_and_is_audited() {
    let (t, _) = TestApp::spawn_demo().await;
    let with_phone = |username: &str, org: &str, role: &str| NewAccount {
        username: username.into(),
        org: org.into(),
        role: role.into(),
        password: "Reveal#Test2026".into(),
        phone: Some("13612345678".into()),
        ..NewAccount::default()
    };
    for (user, org, role) in [
        ("gridman", "511702001001001", "grid_worker"),
        ("westman", "511702002001001", "grid_worker"),
        ("eastop", "511702001", "operator"),
        ("eastlead", "511702001", "leader"),
    ] {
        t.app
            .access()
            .add_user(&Actor::cli(), &with_phone(user, org, role))
            .await
            .unwrap();
    }
    let op = Actor::user(
        crate::signed_in(&t, "eastop", "Reveal#Test2026").await,
        Some("10.2.2.2".into()),
    );
    let lead = Actor::user(
        crate::signed_in(&t, "eastlead", "Reveal#Test2026").await,
        None,
    );

    let contacts = t.app.access().contacts(&op, 1000).await.unwrap();
    let gridman = contacts.iter().find(|u| u.username == "gridman").unwrap();
    assert_eq!(gridman.phone.as_deref(), Some("136****5678"));
    assert!(
        contacts.iter().all(|u| u.org_code.starts_with("511702001")),
        "own township only"
    );

    let no_reason = t
        .app
        .access()
        .reveal_phone(&op, "gridman", " ")
        .await
        .unwrap_err();
    assert!(no_reason.to_string().contains("查看原因"));
    assert_eq!(
        t.app
            .access()
            .reveal_phone(&op, "gridman", "联系网格员核实事件")
            .await
            .unwrap(),
        "13612345678"
    );
    assert!(
        matches!(
            t.app
                .access()
                .reveal_phone(&op, "westman", "联系网格员核实事件")
                .await,
            Err(AppError::Forbidden(_))
        ),
        "another township"
    );
    assert!(
        matches!(
            t.app
                .access()
                .reveal_phone(&lead, "gridman", "想看看这个号码")
                .await,
            Err(AppError::Forbidden(_))
        ),
        "no permission"
    );

    let auditor = {
        add_user(&t, "revaudit", "", "511702", "auditor", "Rev#Audit2026")
            .await
            .unwrap();
        Actor::user(
            crate::signed_in(&t, "revaudit", "Rev#Audit2026").await,
            None,
        )
    };
    let filter = AuditFilter {
        action_prefix: Some("personal.reveal".into()),
        ..Default::default()
    };
    let reveals = t
        .app
        .access()
        .search_audit(&auditor, &filter, 10)
        .await
        .unwrap();
    assert_eq!(reveals.len(), 3, "the allowed reveal and both refusals");
    let ok = reveals.iter().find(|r| r.event.result == "ok").unwrap();
    assert_eq!(
        (ok.event.username.as_str(), ok.event.object.as_str()),
        ("eastop", "user:gridman")
    );
    assert!(
        ok.event.detail.contains("联系网格员核实事件") && !ok.event.detail.contains("13612345678")
    );
    assert_eq!(
        reveals
            .iter()
            .filter(|r| r.event.result == "denied")
            .count(),
        2
    );
}

/// The scope matrix: for several township units and every listing that carries org codes, a user
/// of one township sees nothing of another — by list, by search, through a token.
#[tokio::test]
async fn no_listing_crosses_a_township_boundary() {
    let (t, _) = TestApp::spawn_demo().await;
    // The registry too: persons, households, places, special groups and visits in every grid.
    t.app
        .seed_demo_population(3_000, |_, _, _| {})
        .await
        .unwrap();
    for township in ["511702001", "511702104", "511702208"] {
        let op = format!("op_{township}");
        let admin = format!("sa_{township}");
        add_user(&t, &op, "", township, "operator", "Scope#Matrix2026")
            .await
            .unwrap();
        add_user(&t, &admin, "", township, "sysadmin", "Scope#Matrix2026")
            .await
            .unwrap();
        let op_user = crate::signed_in(&t, &op, "Scope#Matrix2026").await;
        let admin_user = crate::signed_in(&t, &admin, "Scope#Matrix2026").await;
        let inside = |code: &str| code.starts_with(township);

        let grids = t.app.org().grid_features(&op_user).await.unwrap();
        let codes: Vec<String> = grids["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["code"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            !codes.is_empty() && codes.iter().all(|c| inside(c)),
            "grids of {township}: {codes:?}"
        );
        let tree = t.app.org().org_tree(&op_user).await.unwrap().unwrap();
        assert_eq!(tree.unit.code, township);
        let summary = t.app.org().org_summary(&op_user).await.unwrap();
        assert_eq!(summary.townships, 1, "only its own township");

        let contacts = t
            .app
            .access()
            .contacts(&Actor::user(op_user.clone(), None), 1000)
            .await
            .unwrap();
        assert!(
            contacts.iter().all(|u| inside(&u.org_code)),
            "contacts of {township}"
        );
        let district = Scope::org(OrgCode::parse("511702").unwrap());
        let admin_actor = Actor::user(admin_user, None);
        let users = t
            .app
            .access()
            .list_users(&admin_actor, &district, 1000)
            .await
            .unwrap();
        assert!(
            users.iter().all(|u| inside(&u.org_code)),
            "accounts of {township}"
        );
        let by_phone = t
            .app
            .access()
            .find_users_by_phone(&admin_actor, &district, "13800000000")
            .await
            .unwrap();
        assert!(by_phone.iter().all(|u| inside(&u.org_code)));
        // The grid registry: every list, the coverage, the export, and imports into others' grids.
        let persons = t
            .app
            .registry()
            .persons(&op_user, &Default::default())
            .await
            .unwrap();
        assert!(
            persons.total.count > 0 && persons.rows.iter().all(|p| inside(&p.grid_code)),
            "persons of {township}"
        );
        let households = t
            .app
            .registry()
            .households(&op_user, &Default::default())
            .await
            .unwrap();
        assert!(
            !households.rows.is_empty() && households.rows.iter().all(|h| inside(&h.grid_code))
        );
        let places = t
            .app
            .registry()
            .places(&op_user, &Default::default())
            .await
            .unwrap();
        assert!(!places.rows.is_empty() && places.rows.iter().all(|p| inside(&p.grid_code)));
        let members = t
            .app
            .registry()
            .members(&op_user, &Default::default())
            .await
            .unwrap();
        assert!(
            members.iter().all(|m| inside(&m.grid_code)),
            "members of {township}"
        );
        let coverage = t
            .app
            .registry()
            .visit_coverage(&op_user, None)
            .await
            .unwrap();
        assert!(coverage.iter().all(|c| inside(&c.code)));
        let sheet = t
            .app
            .registry()
            .export_persons(
                &Actor::user(op_user.clone(), None),
                &op_user,
                &Default::default(),
                None,
            )
            .await
            .unwrap();
        let rows = pingan_app::sheet::read_first_sheet(&sheet, 10_000).unwrap();
        let grid_cells: Vec<String> = rows
            .iter()
            .skip(1)
            .filter_map(|r| r.get(9).map(|c| c.text()))
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(grid_cells.len() as u64, persons.total.count);
        assert!(grid_cells.iter().all(|c| inside(c)), "export of {township}");
        let elsewhere = if township == "511702001" {
            "511702104001001"
        } else {
            "511702001001001"
        };
        let refused = t
            .app
            .registry()
            .import_places(&Actor::user(op_user.clone(), None), &sheet, Some(elsewhere))
            .await;
        assert!(
            matches!(refused, Err(pingan_app::AppError::Invalid(_))),
            "{refused:?}"
        );
        // A point in another township is located (the tree is reference data), but its grid's
        // boundary is not in this user's map.
        let store = pingan_store::Store::connect(t.db.url()).await.unwrap();
        let other = store
            .grids_under("511702")
            .await
            .unwrap()
            .into_iter()
            .find(|g| !inside(&g.code))
            .unwrap();
        store.close().await;
        let far = t
            .app
            .org()
            .locate(&op_user, other.label_lat, other.label_lon)
            .await
            .unwrap();
        assert_eq!(far.grid_code, other.code);
        assert!(!codes.contains(&far.grid_code));
    }
}
