//! The store's conformance suite: every repository behaves the same on SQLite and PostgreSQL.

use pingan_domain::code_table::{CodeEntry, CodeTable};
use pingan_domain::{OrgCode, Scope};
use pingan_store::{NewDepartment, NewOrgUnit, NewUser, RoleRow, SessionRecord, Store, StoreError};
use pingan_testkit::TestDb;

async fn store() -> (TestDb, Store) {
    let db = TestDb::fresh().await;
    let store = Store::connect(db.url()).await.unwrap();
    store.migrate().await.unwrap();
    // The role accounts name; the app inserts the default roles at start.
    store
        .insert_missing_roles(&[RoleRow {
            name: "operator",
            label: "综治中心工作人员",
            permissions: "view_org hub_work",
            builtin: true,
        }])
        .await
        .unwrap();
    (db, store)
}

fn unit(code: &str, name: &str) -> NewOrgUnit {
    let c = OrgCode::parse(code).unwrap();
    NewOrgUnit {
        code: code.into(),
        parent_code: c.parent().map(String::from),
        level: c.level().as_str(),
        kind: "测试".into(),
        name: name.into(),
        provenance: "synthetic",
        version: "t".into(),
        boundary: None,
    }
}

fn user(username: &str, org: &str) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: username.into(),
        org_code: org.into(),
        department_id: None,
        role: "operator".into(),
        password_hash: "$argon2id$x".into(),
        must_change_password: false,
        phone: None,
    }
}

#[tokio::test]
async fn migrations_run_once_and_record_their_version() {
    let (_db, store) = store().await;
    let newest = pingan_store::MIGRATIONS.last().unwrap().version;
    assert_eq!(store.schema_version().await.unwrap(), Some(newest));
    assert!(
        store.migrate().await.unwrap().is_empty(),
        "second run applies nothing"
    );
}

#[tokio::test]
async fn org_units_tree_queries_and_idempotent_insert() {
    let (_db, store) = store().await;
    let mut grid = unit("511702001001001", "一号网格");
    grid.boundary = Some((
        r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#.into(),
        [0.5, 0.5],
    ));
    let units = vec![
        unit("511702", "区"),
        unit("511702001", "街道甲"),
        unit("511702002", "街道乙"),
        unit("511702001001", "社区"),
        grid,
    ];
    assert_eq!(store.insert_org_units(&units).await.unwrap(), 5);
    assert_eq!(
        store.insert_org_units(&units).await.unwrap(),
        0,
        "loading twice changes nothing"
    );

    let top = store.org_children(None).await.unwrap();
    assert_eq!(top.len(), 1);
    assert_eq!(top[0].code, "511702");
    let kids = store.org_children(Some("511702")).await.unwrap();
    assert_eq!(
        kids.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(),
        ["511702001", "511702002"]
    );
    let under = store.org_units_under("511702001").await.unwrap();
    assert_eq!(
        under.len(),
        3,
        "the unit itself and its descendants, not its sibling"
    );
    assert_eq!(store.grids_under("511702002").await.unwrap().len(), 0);
    let grids = store.grids_under("511702").await.unwrap();
    assert_eq!(grids.len(), 1);
    assert_eq!(grids[0].name, "一号网格");
    assert_eq!(grids[0].label_lon, 0.5);
    assert!(store.org_unit("511702009").await.unwrap().is_none());
}

#[tokio::test]
async fn official_units_not_shipped_any_more_are_retired_not_deleted() {
    let (_db, store) = store().await;
    let mut a = unit("511702", "区");
    a.provenance = "official";
    let mut b = unit("511702101", "已撤并的镇");
    b.provenance = "official";
    store.insert_org_units(&[a, b]).await.unwrap();
    assert_eq!(
        store
            .retire_official_units_except(&["village"], &["511702"])
            .await
            .unwrap(),
        0,
        "only the levels named"
    );
    assert_eq!(
        store
            .retire_official_units_except(&["district", "township"], &["511702"])
            .await
            .unwrap(),
        1
    );
    let retired = store.org_unit("511702101").await.unwrap().unwrap();
    assert!(retired.retired_at.is_some(), "kept, with its retirement");
    assert!(store.org_children(Some("511702")).await.unwrap().is_empty());
}

#[tokio::test]
async fn code_tables_sync_retires_dropped_codes_and_revives_returning_ones() {
    let (_db, store) = store().await;
    const OLD: CodeTable = CodeTable {
        key: "test_table",
        name: "测试",
        standard: "T",
        version: "1",
        entries: &[
            CodeEntry {
                code: "1",
                name: "甲",
            },
            CodeEntry {
                code: "2",
                name: "乙",
            },
        ],
    };
    const NEW: CodeTable = CodeTable {
        version: "2",
        entries: &[CodeEntry {
            code: "1",
            name: "甲（新）",
        }],
        ..OLD
    };
    assert_eq!(store.sync_code_table(&OLD).await.unwrap(), 0);
    assert_eq!(store.sync_code_table(&NEW).await.unwrap(), 1);
    let entries = store.code_entries("test_table").await.unwrap();
    assert_eq!(entries.len(), 2, "nothing deleted");
    assert_eq!(entries[0].name, "甲（新）");
    assert!(!entries[0].retired);
    assert!(entries[1].retired);
    store.sync_code_table(&OLD).await.unwrap();
    assert!(
        store
            .code_entries("test_table")
            .await
            .unwrap()
            .iter()
            .all(|e| !e.retired)
    );
}

#[tokio::test]
async fn users_are_unique_and_listed_within_scope_only() {
    let (_db, store) = store().await;
    store
        .insert_org_units(&[
            unit("511702", "区"),
            unit("511702001", "甲"),
            unit("511702002", "乙"),
        ])
        .await
        .unwrap();
    let id = store
        .insert_user(&user("alice", "511702001"))
        .await
        .unwrap();
    store.insert_user(&user("bob", "511702002")).await.unwrap();
    assert!(matches!(
        store.insert_user(&user("alice", "511702002")).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        matches!(
            store.insert_user(&user("carol", "511799")).await,
            Err(StoreError::Conflict(_))
        ),
        "unknown org"
    );

    let scope = Scope::org(OrgCode::parse("511702001").unwrap());
    let seen: Vec<_> = store
        .users_in_scope(&scope, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(seen, ["alice"]);
    let all = Scope::org(OrgCode::parse("511702").unwrap());
    assert_eq!(store.users_in_scope(&all, 100).await.unwrap().len(), 2);
    assert_eq!(
        store.users_in_scope(&all, 1).await.unwrap().len(),
        1,
        "limit holds"
    );

    store.set_password(id, "$argon2id$y", true).await.unwrap();
    store.set_disabled(id, true).await.unwrap();
    let alice = store.user_by_username("alice").await.unwrap().unwrap();
    assert_eq!(alice.password_hash, "$argon2id$y");
    assert!(alice.must_change_password && alice.disabled);
    assert!(matches!(
        store.set_disabled(9999, true).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .holder_counts_by_org("hub_work", "511702")
            .await
            .unwrap()
            .len(),
        1,
        "disabled not counted"
    );
}

#[tokio::test]
async fn bulk_user_insert_skips_existing_names() {
    let (_db, store) = store().await;
    store
        .insert_org_units(&[unit("511702", "区")])
        .await
        .unwrap();
    store.insert_user(&user("a1", "511702")).await.unwrap();
    let created = store
        .insert_users(&[
            user("a1", "511702"),
            user("a2", "511702"),
            user("a3", "511702"),
        ])
        .await
        .unwrap();
    assert_eq!(created, 2);
}

#[tokio::test]
async fn sessions_touch_and_end() {
    let (_db, store) = store().await;
    store
        .insert_org_units(&[unit("511702", "区")])
        .await
        .unwrap();
    let uid = store.insert_user(&user("s1", "511702")).await.unwrap();
    let t0 = chrono::Utc::now() - chrono::Duration::hours(1);
    let rec = SessionRecord {
        token_hash: "h1".into(),
        user_id: uid,
        created_at: t0,
        last_seen_at: t0,
        source_addr: Some("127.0.0.1".into()),
    };
    store.insert_session(&rec).await.unwrap();
    store
        .insert_session(&SessionRecord {
            token_hash: "h2".into(),
            ..rec.clone()
        })
        .await
        .unwrap();
    let (s, u) = store.session("h1").await.unwrap().unwrap();
    assert_eq!(u.username, "s1");
    assert_eq!(s.source_addr.as_deref(), Some("127.0.0.1"));
    store.touch_session("h1", chrono::Utc::now()).await.unwrap();
    let cutoff = chrono::Utc::now() - chrono::Duration::minutes(30);
    assert_eq!(
        store.delete_sessions_idle_since(cutoff).await.unwrap(),
        1,
        "only the idle one"
    );
    assert!(store.session("h2").await.unwrap().is_none());
    assert_eq!(store.delete_sessions_of(uid).await.unwrap(), 1);
    assert!(store.session("h1").await.unwrap().is_none());
}

#[tokio::test]
async fn settings_upsert() {
    let (_db, store) = store().await;
    assert_eq!(store.setting("k").await.unwrap(), None);
    store.set_setting("k", "1").await.unwrap();
    store.set_setting("k", "2").await.unwrap();
    assert_eq!(store.setting("k").await.unwrap().as_deref(), Some("2"));
}

#[tokio::test]
async fn departments_belong_to_org_units() {
    let (_db, store) = store().await;
    store
        .insert_org_units(&[unit("511702", "区"), unit("511702001", "甲")])
        .await
        .unwrap();
    let d = |code: &str, org: &str| NewDepartment {
        code: code.into(),
        name: format!("部门{code}"),
        kind: "公安".into(),
        org_code: org.into(),
    };
    store
        .insert_departments(&[d("511702-GA", "511702"), d("511702001-PCS", "511702001")])
        .await
        .unwrap();
    store
        .insert_departments(&[d("511702-GA", "511702")])
        .await
        .unwrap();
    assert_eq!(store.departments_under("511702").await.unwrap().len(), 2);
    assert_eq!(store.departments_under("511702001").await.unwrap().len(), 1);
    assert!(
        store.insert_departments(&[d("X", "511799")]).await.is_err(),
        "unknown org refused"
    );
}

#[tokio::test]
async fn backup_is_a_consistent_sqlite_file_or_a_clear_refusal_on_postgres() {
    let (db, store) = store().await;
    store.set_setting("marker", "before-backup").await.unwrap();
    let path = db.dir().join(pingan_testkit::unique_name("backup") + ".db");
    let result = store.backup_to(path.to_str().unwrap()).await;
    if db.is_postgres() {
        let msg = result.unwrap_err().to_string();
        assert!(msg.contains("pg_dump"), "{msg}");
        return;
    }
    result.unwrap();
    let copy = Store::connect(&pingan_store::DbUrl::sqlite_file(&path))
        .await
        .unwrap();
    assert_eq!(
        copy.setting("marker").await.unwrap().as_deref(),
        Some("before-backup")
    );
    copy.close().await;
}

/// Every read of one registry row by id takes the caller's scope: a row outside it is not there.
#[tokio::test]
async fn reads_by_id_return_nothing_outside_the_scope() {
    let h = crate::events::Hub::new().await;
    let t = &h.t;
    t.app.seed_demo_population(400, |_, _, _| {}).await.unwrap();
    let reported = h.report("scope-0001").await;
    let store = Store::connect(t.db.url()).await.unwrap();
    let district = Scope::org(OrgCode::parse("511702").unwrap());
    // The scope of the township a row lies in, and of another township.
    let own_and_other = |grid: &str| {
        let own = OrgCode::parse(&grid[..9]).unwrap();
        let other = if grid.starts_with("511702001") {
            "511702002"
        } else {
            "511702001"
        };
        (Scope::org(own), Scope::org(OrgCode::parse(other).unwrap()))
    };

    let person = store.person(1, &district).await.unwrap().expect("person 1");
    let (own, other) = own_and_other(&person.grid_code);
    assert!(store.person(1, &own).await.unwrap().is_some());
    assert!(store.person(1, &other).await.unwrap().is_none());
    assert!(store.person_sealed(1, &own).await.unwrap().is_some());
    assert!(store.person_sealed(1, &other).await.unwrap().is_none());

    let household = store
        .household(1, &district)
        .await
        .unwrap()
        .expect("household 1");
    let (own, other) = own_and_other(&household.grid_code);
    assert!(store.household(1, &own).await.unwrap().is_some());
    assert!(store.household(1, &other).await.unwrap().is_none());

    let place = store.place(1, &district).await.unwrap().expect("place 1");
    let (own, other) = own_and_other(&place.grid_code);
    assert!(store.place(1, &own).await.unwrap().is_some());
    assert!(store.place(1, &other).await.unwrap().is_none());
    assert!(store.place_sealed(1, &own).await.unwrap().is_some());
    assert!(store.place_sealed(1, &other).await.unwrap().is_none());

    let member = store
        .member(1, &district)
        .await
        .unwrap()
        .expect("membership 1");
    let (own, other) = own_and_other(&member.grid_code);
    assert!(store.member(1, &own).await.unwrap().is_some());
    assert!(store.member(1, &other).await.unwrap().is_none());

    let (own, other) = own_and_other(&reported.org_code);
    assert!(store.event(reported.id, &own).await.unwrap().is_some());
    assert!(store.event(reported.id, &other).await.unwrap().is_none());
    assert!(store.case(reported.id, &own).await.unwrap().is_some());
    assert!(store.case(reported.id, &other).await.unwrap().is_none());
}

#[tokio::test]
async fn keepalives_are_written_in_one_batch_the_last_of_each_device_counting() {
    use chrono::{Duration, Utc};
    use pingan_store::DeviceSeen;
    let (_db, store) = store().await;
    let t0 = pingan_domain::audit::to_micros(Utc::now());
    let seen = |id: &str, at: chrono::DateTime<Utc>, registered: bool| DeviceSeen {
        device_id: id.into(),
        remote_addr: "10.0.0.8:5060".into(),
        transport: "UDP".into(),
        at,
        registered_until: registered.then(|| at + Duration::hours(1)),
        offline_at: at + Duration::minutes(3),
        reason: if registered { "register" } else { "keepalive" },
        heartbeat: (60, 3),
    };
    let (on, off) = ("51170200001320000001", "51170200001320000002");
    for id in [on, off] {
        assert!(store.device_seen(&seen(id, t0, true)).await.unwrap());
    }
    store
        .devices_offline(t0 + Duration::seconds(1), Some(off), "unregister")
        .await
        .unwrap();
    let (t1, t2) = (t0 + Duration::seconds(60), t0 + Duration::seconds(61));
    store
        .keepalives(&[
            seen(on, t1, false),
            seen(off, t1, false),
            seen(off, t2, false),
            seen("51170200001320000003", t1, false),
        ])
        .await
        .unwrap();
    let back = store.video_device(off).await.unwrap().unwrap();
    assert!(back.online);
    assert_eq!(
        back.last_heard_at,
        Some(t2),
        "the last keepalive of the batch"
    );
    assert_eq!(back.offline_at, Some(t2 + Duration::minutes(3)));
    let log: Vec<_> = store
        .video_status_log(off)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.online, l.reason))
        .collect();
    assert_eq!(
        log,
        [
            (true, "register".to_owned()),
            (false, "unregister".to_owned()),
            (true, "keepalive".to_owned())
        ]
    );
    assert_eq!(
        store.video_status_log(on).await.unwrap().len(),
        1,
        "no change, no row"
    );
    assert_eq!(
        store.video_device(on).await.unwrap().unwrap().last_heard_at,
        Some(t1)
    );
    assert!(
        store
            .video_device("51170200001320000003")
            .await
            .unwrap()
            .is_none(),
        "a device that never registered is not created by a keepalive"
    );
}
