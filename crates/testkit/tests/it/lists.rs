//! 列表 at any size: pages follow cursors, never OFFSET, and return every row exactly once while
//! rows are being added; the totals kept by triggers equal the rows a list really holds after
//! imports, quick adds, ends and moves between townships.

use crate::events::Hub;
use crate::persons::{as_rows, id, sheet};
use pingan_app::{CurrentUser, Listed, PersonEntry, PersonQuery, PersonView};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};

/// A distinct valid ID number for each `n` (birth dates from 1950 on, 900 a day).
fn nth_id(n: u32) -> String {
    let day = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap()
        + chrono::Duration::days(i64::from(n / 900));
    id(&day.format("%Y%m%d").to_string(), (n % 900 + 1) as u16)
}

/// Imports `count` new persons into the hub's grid; their ID numbers come from `next`.
async fn import(h: &Hub, next: &AtomicU32, count: usize) {
    if count == 0 {
        return;
    }
    let rows: Vec<[String; 4]> = (0..count)
        .map(|_| {
            let n = next.fetch_add(1, Ordering::Relaxed);
            [
                format!("测试{}", char::from_u32(0x4e00 + n % 2000).unwrap()),
                nth_id(n),
                String::new(),
                format!("朝阳路 {n} 号"),
            ]
        })
        .collect();
    let report =
        h.t.app
            .registry()
            .import_persons(&h.operator, &sheet(&as_rows(&rows)), Some(&h.grid))
            .await
            .unwrap();
    assert_eq!(report.rejected.len(), 0, "{:?}", report.rejected);
}

async fn page(h: &Hub, user: &CurrentUser, q: PersonQuery) -> Listed<PersonView> {
    h.t.app.registry().persons(user, &q).await.unwrap()
}

/// Every person a search holds, read page by page forwards.
async fn walk(h: &Hub, user: &CurrentUser, q: &PersonQuery) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut after = None;
    loop {
        let p = page(h, user, PersonQuery { after, ..q.clone() }).await;
        ids.extend(p.rows.iter().map(|r| r.id));
        match p.after {
            Some(c) => after = Some(c),
            None => return ids,
        }
    }
}

/// Rule: walking a list by its cursors returns every row that was there when the walk began
/// exactly once and in order, while other rows are added between the pages; walking back by the
/// `before` cursors returns the same rows.
#[test]
fn paging_by_cursor_returns_every_row_once_while_rows_are_added() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let h = rt.block_on(Hub::new());
    let user = h.operator.user.clone().unwrap();
    let next = AtomicU32::new(0);
    let mut runner = TestRunner::new(Config {
        cases: 4,
        failure_persistence: None,
        ..Config::default()
    });
    let q = PersonQuery {
        grid: Some(h.grid.clone()),
        ..Default::default()
    };
    runner
        .run(
            &(40usize..120, prop::collection::vec(0usize..40, 1..5)),
            |(initial, batches)| {
                rt.block_on(async {
                    import(&h, &next, initial).await;
                    let before: BTreeSet<i64> = walk(&h, &user, &q).await.into_iter().collect();
                    // Forwards, adding rows after each page.
                    let (mut seen, mut after, mut pages) = (Vec::new(), None, Vec::new());
                    let mut batches = batches.iter();
                    loop {
                        let p = page(&h, &user, PersonQuery { after, ..q.clone() }).await;
                        assert!(p.rows.len() <= 50);
                        seen.extend(p.rows.iter().map(|r| r.id));
                        pages.push(p.rows.iter().map(|r| r.id).collect::<Vec<_>>());
                        import(&h, &next, batches.next().copied().unwrap_or(0)).await;
                        match p.after {
                            Some(c) => after = Some(c),
                            None => break,
                        }
                    }
                    assert!(seen.windows(2).all(|w| w[0] < w[1]), "in order, none twice");
                    let seen_set: BTreeSet<i64> = seen.iter().copied().collect();
                    assert!(before.is_subset(&seen_set), "every row that was there");
                    let now: BTreeSet<i64> = walk(&h, &user, &q).await.into_iter().collect();
                    assert!(seen_set.is_subset(&now));
                    // Backwards from the last page: the same rows, page by page.
                    let mut last = page(&h, &user, q.clone()).await;
                    while let Some(c) = last.after.clone() {
                        last = page(
                            &h,
                            &user,
                            PersonQuery {
                                after: Some(c),
                                ..q.clone()
                            },
                        )
                        .await;
                    }
                    let mut back: Vec<i64> = last.rows.iter().map(|r| r.id).collect();
                    let mut cursor = last.before.clone();
                    while let Some(b) = cursor {
                        let prev = page(
                            &h,
                            &user,
                            PersonQuery {
                                before: Some(b),
                                ..q.clone()
                            },
                        )
                        .await;
                        assert!(!prev.rows.is_empty() && prev.rows.len() <= 50);
                        back.splice(0..0, prev.rows.iter().map(|r| r.id));
                        cursor = prev.before.clone();
                    }
                    let all: Vec<i64> = now.iter().copied().collect();
                    assert_eq!(back, all, "walking back gives the same rows");
                    let total = page(&h, &user, q.clone()).await.total;
                    assert_eq!((total.count, total.exact), (all.len() as u64, true));
                });
                Ok(())
            },
        )
        .unwrap();
    rt.block_on(async move { drop(h) });
}

/// Rule: the totals kept by triggers (the whole scope, one 人员类型) equal the rows the list
/// holds after imports, quick adds, ends and a move to another township, for each side; a search
/// is counted up to 10,000 unless counted exactly.
#[tokio::test]
async fn kept_totals_equal_the_rows_after_adds_ends_and_moves() {
    let h = Hub::new().await;
    let next = AtomicU32::new(500_000);
    import(&h, &next, 60).await;
    let (ours, theirs) = (
        h.operator.user.clone().unwrap(),
        h.other_operator.user.clone().unwrap(),
    );
    let mut floating = Vec::new();
    for name in ["流动甲", "流动乙", "流动丙"] {
        let entry = PersonEntry {
            grid: h.grid.clone(),
            name: name.into(),
            id_number: nth_id(next.fetch_add(1, Ordering::Relaxed)),
            address: "翠屏路 1 号".into(),
            residence: "流动人口".into(),
            ..Default::default()
        };
        floating.push(entry.id_number.clone());
        h.t.app
            .registry()
            .add_person(&h.operator, &ours, &entry)
            .await
            .unwrap();
    }
    let mine = walk(&h, &ours, &PersonQuery::default()).await;
    h.t.app
        .registry()
        .end_person(&h.operator, &ours, mine[0], "迁出本区")
        .await
        .unwrap();
    // The other township takes one floating resident over, with their special-group membership.
    let commander = h.commander.user.clone().unwrap();
    let moved = walk(
        &h,
        &ours,
        &PersonQuery {
            id_number: Some(floating[0].clone()),
            ..Default::default()
        },
    )
    .await[0];
    h.t.app
        .registry()
        .enrol_member(
            &h.commander,
            &commander,
            moved,
            &pingan_app::MemberInput {
                group: "刑满释放人员".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let to_grid = crate::faults::a_grid_of(&h.t, &h.other_operator).await;
    let asked =
        h.t.app
            .registry()
            .request_transfer(
                &h.other_operator,
                &theirs,
                &pingan_app::TransferEntry {
                    id_number: floating[0].clone(),
                    to_grid: to_grid.clone(),
                    reason: "投靠子女".into(),
                },
            )
            .await
            .unwrap();
    h.t.app
        .registry()
        .decide_transfer(&h.operator, &ours, asked.id, true, None)
        .await
        .unwrap();

    let members_in = |grid: &str| {
        let (app, user, grid) = (h.t.app.clone(), commander.clone(), grid[..9].to_owned());
        async move {
            let q = pingan_app::MemberQuery {
                grid: Some(grid),
                ..Default::default()
            };
            let page = app.registry().member_page(&user, &q).await.unwrap();
            page.items.iter().map(|m| m.person_id).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        members_in(&to_grid).await,
        [moved],
        "the membership moved along"
    );
    assert!(members_in(&h.grid).await.is_empty());
    for user in [&ours, &theirs, &commander] {
        for residence in [None, Some("floating"), Some("registered")] {
            let q = PersonQuery {
                residence: residence.map(str::to_owned),
                ..Default::default()
            };
            let rows = walk(&h, user, &q).await.len() as u64;
            let total = page(&h, user, q).await.total;
            assert_eq!(
                (total.count, total.exact),
                (rows, true),
                "{} {residence:?}",
                user.username
            );
        }
    }
    let floating_here = page(
        &h,
        &ours,
        PersonQuery {
            residence: Some("floating".into()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(floating_here.total.count, 2);
    // A search is counted; exactly on request.
    let search = PersonQuery {
        q: Some("朝阳路".into()),
        exact_total: Some(true),
        ..Default::default()
    };
    let found = walk(&h, &ours, &search).await.len() as u64;
    assert_eq!(page(&h, &ours, search).await.total.count, found);
    assert_eq!(found, 59, "60 imported, one ended");
}

/// Rule: a cursor that was not made by the list (edited, another list's, both directions) is
/// refused with a message saying to start again from the first page.
#[tokio::test]
async fn a_forged_cursor_is_refused_with_what_to_do() {
    let h = Hub::new().await;
    let user = h.operator.user.clone().unwrap();
    for (after, before) in [
        (Some("i1.i2"), None),
        (Some("DROP TABLE"), None),
        (None, Some("s31")),
        (Some("i1"), Some("i2")),
    ] {
        let e =
            h.t.app
                .registry()
                .persons(
                    &user,
                    &PersonQuery {
                        after: after.map(str::to_owned),
                        before: before.map(str::to_owned),
                        ..Default::default()
                    },
                )
                .await
                .unwrap_err();
        assert!(e.to_string().contains("从第一页重新打开"), "{e}");
    }
}
