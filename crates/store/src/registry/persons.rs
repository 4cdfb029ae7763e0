//! 实有人口 as stored: sealed identifiers with their blind indexes and masked forms, the blind
//! index of every two characters of a name, and the history kept by ending rows instead of
//! deleting them. Writes go in batches (an import of a district's population is hundreds of
//! thousands of rows).

use crate::sql::{ListQuery, Value};
use crate::{Result, Store, dispatch};
use chrono::{DateTime, NaiveDate, Utc};
use pingan_domain::Scope;
use pingan_domain::page::{COUNT_CAP, Cursor, KeyPart, Page, PageAt, Total};
use pingan_domain::text::like_contains;

/// A person to write, sealed and indexed by the caller.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub grid_code: String,
    pub name_sealed: Vec<u8>,
    pub name_masked: String,
    pub id_sealed: Vec<u8>,
    pub id_index: String,
    pub id_masked: String,
    pub phone_sealed: Option<Vec<u8>>,
    pub phone_index: Option<String>,
    pub phone_masked: Option<String>,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub ethnicity: Option<String>,
    pub address: String,
    pub residence: String,
    pub row_digest: String,
    /// Blind indexes of the name's two-character pieces.
    pub grams: Vec<String>,
    /// The address's two-character pieces.
    pub address_grams: Vec<String>,
    /// The index of the person's household in the batch's households.
    pub household: Option<usize>,
    /// 与户主关系, GB/T 4761 code.
    pub relation: Option<String>,
    pub at: DateTime<Utc>,
}

/// 户 — a household to write with its members: found by grid and 户号, its address set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHousehold {
    pub grid_code: String,
    pub household_no: String,
    pub address: String,
}

/// What a batch write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonWrites {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// The ID-number indexes of rows not written: the person is registered outside the writer's
    /// scope, and a move between places is a request, never a side effect of a write.
    pub refused: Vec<String>,
}

/// 人员 — a person as lists show it: masked.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PersonRecord {
    pub id: i64,
    pub grid_code: String,
    pub name_masked: String,
    pub id_masked: String,
    pub phone_masked: Option<String>,
    pub sex: String,
    pub birth_date: NaiveDate,
    pub ethnicity: Option<String>,
    pub address: String,
    pub residence: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub household_id: Option<i64>,
    pub relation: Option<String>,
}

/// 户 as stored, with how many active members it has.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct HouseholdRecord {
    pub id: i64,
    pub grid_code: String,
    pub household_no: String,
    pub address: String,
    pub members: i64,
    pub ended_at: Option<DateTime<Utc>>,
}

/// A person's sealed identifiers, for the reveal.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PersonSealed {
    pub id: i64,
    pub grid_code: String,
    pub name_sealed: Vec<u8>,
    pub id_sealed: Vec<u8>,
    pub phone_sealed: Option<Vec<u8>>,
}

/// The filters of a person search (blind indexes computed by the caller).
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// Org-code prefix of the scope (and of a grid asked for).
    pub prefix: String,
    /// Blind indexes of the name pieces that must all match, with `address` as the alternative.
    pub name_grams: Vec<String>,
    /// Part of an address, and its two-character pieces (all must match).
    pub address: Option<(String, Vec<String>)>,
    pub id_index: Option<String>,
    pub phone_index: Option<String>,
    pub residence: Option<String>,
    /// Only active members of this special group.
    pub group: Option<String>,
    /// Only persons with this tag.
    pub tag: Option<String>,
    /// Also persons who moved out.
    pub ended: bool,
    pub at: PageAt,
    pub limit: i64,
}

impl PersonFilter {
    /// The kept count that is this search's total, if it has one: the whole scope's active
    /// persons, or those of one 人员类型 (migration 0014).
    fn kept_kind(&self) -> Option<String> {
        let only_scope = self.name_grams.is_empty()
            && self.address.is_none()
            && self.id_index.is_none()
            && self.phone_index.is_none()
            && self.group.is_none()
            && self.tag.is_none()
            && !self.ended;
        only_scope.then(|| match &self.residence {
            Some(r) => format!("persons/{r}"),
            None => "persons".to_owned(),
        })
    }
}

/// Addresses each piece of a search must be in for the persons to be read in order instead
/// ([`Store::person_plan`]): about 7 % of a district's addresses.
const BROAD_PIECE: i64 = 20_000;
/// Persons of a scope few enough to be read whole through the grid index.
const SMALL_SCOPE: u64 = 10_000;

/// How a person search reads ([`Store::person_plan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PersonPlan {
    /// The scope holds more than [`SMALL_SCOPE`] persons: read them in id order, the scope a
    /// condition on each row, not a range of the grid index. SQLite takes a range of the grid
    /// index for a narrow one whatever its size, and read the district's 905,678 persons through
    /// it and sorted them to show 50 (274 ms p50 for the unfiltered list).
    large_scope: bool,
    /// The persons with an address part are found through its pieces; else each person read is
    /// kept when its address contains the words.
    address_by_pieces: bool,
}

/// A blind index as stored: its 32 bytes. The services pass it as the 64 hex digits
/// the cipher's `blind_index` gives; as text it took twice the room in the persons, their
/// ID and phone indexes and the name pieces. A malformed one (never made by the services) becomes
/// bytes that match nothing.
fn index_bytes(hex: &str) -> Vec<u8> {
    let digit = |b: u8| {
        char::from(b)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    hex.as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => digit(*hi).zip(digit(*lo)).map_or(0xff, |(h, l)| h << 4 | l),
            _ => 0xff,
        })
        .collect()
}

/// A stored blind index as the services know it: 64 hex digits.
fn index_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An address piece as stored: its UTF-8 bytes (the pieces of both kinds are byte strings).
fn piece_bytes(piece: &str) -> Value {
    Value::Bytes(piece.as_bytes().to_vec())
}

/// Persons per insert statement (20 parameters each).
const PERSON_CHUNK: usize = 200;
/// Name pieces per insert statement (2 parameters each).
const GRAM_CHUNK: usize = 2_000;
/// Households per upsert statement (5 parameters each).
const HOUSEHOLD_CHUNK: usize = 500;

const PERSON_COLUMNS: &str = "SELECT p.id, p.grid_code, p.name_masked, p.id_masked, p.phone_masked,
        p.sex, p.birth_date, p.ethnicity, p.address, p.residence, p.created_at, p.updated_at,
        p.ended_at, p.household_id, p.relation FROM persons p";

const HOUSEHOLD_COLUMNS: &str = "SELECT h.id, h.grid_code, h.household_no, h.address,
        (SELECT COUNT(*) FROM persons m WHERE m.household_id = h.id AND m.ended_at IS NULL)
            AS members,
        h.ended_at FROM households h";

impl Store {
    /// Writes persons keyed by their ID number's blind index: new ones inserted, active ones with
    /// other data updated (their name pieces rewritten), identical ones left alone; all in one
    /// transaction. A person registered outside `scope_prefix` (the writer's org-code prefix) is
    /// not touched: their index is returned in [`PersonWrites::refused`]. `progress` hears how
    /// many rows are written before each batch.
    pub async fn upsert_persons(
        &self,
        scope_prefix: &str,
        households: &[NewHousehold],
        rows: &[NewPerson],
        at: DateTime<Utc>,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<PersonWrites> {
        let mut writes = PersonWrites::default();
        let generic_safe = self.plans_are_generic_safe();
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            // Who is registered already, and where: read in the transaction that writes.
            let mut known: std::collections::HashMap<String, (i64, String, String)> =
                std::collections::HashMap::new();
            for chunk in rows.chunks(PERSON_CHUNK) {
                let sql = format!(
                    "SELECT id_index, id, row_digest, grid_code FROM persons
                     WHERE ended_at IS NULL AND id_index IN ({})",
                    self.positional_list(chunk.len())
                );
                let mut q =
                    sqlx::query_as::<_, (Vec<u8>, i64, Vec<u8>, String)>(sqlx::AssertSqlSafe(sql));
                for r in chunk {
                    q = q.bind(index_bytes(&r.id_index));
                }
                // Planned with its values on PostgreSQL: a plan kept from when the table was
                // empty scans the whole table, and an import of 100,000 rows took 430 s.
                for (index, id, digest, grid) in
                    q.persistent(generic_safe).fetch_all(&mut *tx).await?
                {
                    known.insert(index_hex(&index), (id, index_hex(&digest), grid));
                }
            }
            let outside = |r: &NewPerson| {
                known
                    .get(&r.id_index)
                    .is_some_and(|(_, _, grid)| !grid.starts_with(scope_prefix))
            };
            writes.refused = rows
                .iter()
                .filter(|r| outside(r))
                .map(|r| r.id_index.clone())
                .collect();
            let rows: Vec<&NewPerson> = rows.iter().filter(|r| !outside(r)).collect();
            let used: std::collections::HashSet<usize> =
                rows.iter().filter_map(|r| r.household).collect();
            let households: Vec<(usize, &NewHousehold)> = households
                .iter()
                .enumerate()
                .filter(|(i, _)| used.contains(i))
                .collect();
            // The households first (one active row per grid and 户号; the address follows the
            // file), so that each person can point at theirs.
            let mut household_ids: std::collections::HashMap<usize, i64> =
                std::collections::HashMap::new();
            for part in households.chunks(HOUSEHOLD_CHUNK) {
                let sql = format!(
                    "INSERT INTO households (grid_code, household_no, address, created_at,
                        updated_at) VALUES {}
                     ON CONFLICT (grid_code, household_no) WHERE ended_at IS NULL
                     DO UPDATE SET address = excluded.address, updated_at = excluded.updated_at
                     RETURNING id, grid_code, household_no",
                    self.positional_rows(part.len(), 5)
                );
                let mut q = sqlx::query_as::<_, (i64, String, String)>(sqlx::AssertSqlSafe(sql));
                for (_, h) in part {
                    q = q
                        .bind(&h.grid_code)
                        .bind(&h.household_no)
                        .bind(&h.address)
                        .bind(at)
                        .bind(at);
                }
                let asked: std::collections::HashMap<(&str, &str), usize> = part
                    .iter()
                    .map(|(i, h)| ((h.grid_code.as_str(), h.household_no.as_str()), *i))
                    .collect();
                for (id, grid, no) in q.fetch_all(&mut *tx).await? {
                    if let Some(i) = asked.get(&(grid.as_str(), no.as_str())) {
                        household_ids.insert(*i, id);
                    }
                }
            }
            let household_of =
                |r: &NewPerson| r.household.and_then(|i| household_ids.get(&i)).copied();
            // Chunks stay small: sqlx looks up each SQLite parameter by name, which costs more
            // than linear time in the number of parameters of a statement.
            for (n, chunk) in rows.chunks(PERSON_CHUNK).enumerate() {
                progress(n * PERSON_CHUNK);
                let changed = |r: &NewPerson| {
                    known
                        .get(&r.id_index)
                        .is_none_or(|(_, digest, _)| *digest != r.row_digest)
                };
                let addresses = tx
                    .address_ids(chunk.iter().copied().filter(|r| changed(r)))
                    .await?;
                let address_of = |r: &NewPerson| addresses.get(&r.address).copied();
                let mut fresh = Vec::new();
                let mut grams: Vec<(i64, Vec<u8>)> = Vec::new();
                for r in chunk.iter().copied() {
                    match known.get(&r.id_index) {
                        Some((_, digest, _)) if *digest == r.row_digest => writes.unchanged += 1,
                        Some((id, _, _)) => {
                            sqlx::query(
                                "UPDATE persons SET grid_code = $2, name_sealed = $3,
                                    name_masked = $4, id_sealed = $5, phone_sealed = $6,
                                    phone_index = $7, phone_masked = $8, sex = $9,
                                    birth_date = $10, ethnicity = $11, address = $12,
                                    residence = $13, row_digest = $14, updated_at = $15,
                                    household_id = $16, relation = $17, address_id = $18
                                 WHERE id = $1",
                            )
                            .bind(id)
                            .bind(&r.grid_code)
                            .bind(&r.name_sealed)
                            .bind(&r.name_masked)
                            .bind(&r.id_sealed)
                            .bind(&r.phone_sealed)
                            .bind(r.phone_index.as_deref().map(index_bytes))
                            .bind(&r.phone_masked)
                            .bind(&r.sex)
                            .bind(r.birth_date)
                            .bind(&r.ethnicity)
                            .bind(&r.address)
                            .bind(&r.residence)
                            .bind(index_bytes(&r.row_digest))
                            .bind(r.at)
                            .bind(household_of(r))
                            .bind(&r.relation)
                            .bind(address_of(r))
                            .execute(&mut *tx)
                            .await?;
                            sqlx::query("DELETE FROM person_name_grams WHERE person_id = $1")
                                .bind(id)
                                .execute(&mut *tx)
                                .await?;
                            grams.extend(r.grams.iter().map(|g| (*id, index_bytes(g))));
                            writes.updated += 1;
                        }
                        None => fresh.push(r),
                    }
                }
                if !fresh.is_empty() {
                    let sql = format!(
                        "INSERT INTO persons (grid_code, name_sealed, name_masked, id_sealed,
                            id_index, id_masked, phone_sealed, phone_index, phone_masked, sex,
                            birth_date, ethnicity, address, residence, row_digest, created_at,
                            updated_at, household_id, relation, address_id)
                         VALUES {} RETURNING id, id_index",
                        self.positional_rows(fresh.len(), 20)
                    );
                    let mut q = sqlx::query_as::<_, (i64, Vec<u8>)>(sqlx::AssertSqlSafe(sql));
                    for r in fresh.iter().copied() {
                        q = q
                            .bind(&r.grid_code)
                            .bind(&r.name_sealed)
                            .bind(&r.name_masked)
                            .bind(&r.id_sealed)
                            .bind(index_bytes(&r.id_index))
                            .bind(&r.id_masked)
                            .bind(&r.phone_sealed)
                            .bind(r.phone_index.as_deref().map(index_bytes))
                            .bind(&r.phone_masked)
                            .bind(&r.sex)
                            .bind(r.birth_date)
                            .bind(&r.ethnicity)
                            .bind(&r.address)
                            .bind(&r.residence)
                            .bind(index_bytes(&r.row_digest))
                            .bind(r.at)
                            .bind(r.at)
                            .bind(household_of(r))
                            .bind(&r.relation)
                            .bind(address_of(r));
                    }
                    let ids: std::collections::HashMap<String, i64> = q
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .map(|(id, index)| (index_hex(&index), id))
                        .collect();
                    for r in &fresh {
                        if let Some(id) = ids.get(&r.id_index) {
                            grams.extend(r.grams.iter().map(|g| (*id, index_bytes(g))));
                        }
                    }
                    writes.inserted += fresh.len();
                }
                tx.insert_pieces("person_name_grams", "person_id", &grams)
                    .await?;
            }
            tx.commit().await
        })?;
        Ok(writes)
    }

    /// Refreshes the planner's statistics of the person tables after a large import (and on
    /// PostgreSQL their visibility map): right after 100,000 rows, PostgreSQL's name search took
    /// 87 ms at p95 on stale statistics and 10 ms once analysed. Not inside a transaction.
    pub async fn analyze_persons(&self) -> Result<()> {
        let sql = match self.backend() {
            // VACUUM too, so that the visibility map lets the piece indexes answer alone
            // (index-only scans): name search at 905,678 persons went from 26.6 to 19.0 ms p95.
            crate::Backend::Postgres => {
                "VACUUM (ANALYZE) persons, person_name_grams, addresses, address_grams, households,
                    registry_counts"
            }
            crate::Backend::Sqlite => "PRAGMA optimize",
        };
        dispatch!(self, |p| sqlx::query(sql).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// A page of a search of the persons under a prefix, masked, in id order.
    pub async fn persons(&self, f: &PersonFilter) -> Result<Page<PersonRecord>> {
        let plan = self.person_plan(f).await?;
        self.person_page(f, plan).await
    }

    /// A page of a search and how many persons it finds: the kept count for a whole scope or one
    /// 人员类型, else counted up to [`COUNT_CAP`] unless `exact`. Planned once for both.
    pub async fn persons_counted(
        &self,
        f: &PersonFilter,
        exact: bool,
    ) -> Result<(Page<PersonRecord>, Total)> {
        let plan = self.person_plan(f).await?;
        let page = self.person_page(f, plan).await?;
        let total = match f.kept_kind() {
            Some(kind) => self.kept_total(&kind, &f.prefix).await?,
            None => {
                let cap = (!exact).then_some(COUNT_CAP);
                let q = Self::person_query(f, plan).count("FROM persons p", cap);
                self.fetch_total(&q, cap).await?
            }
        };
        Ok((page, total))
    }

    /// The page of a search read by `plan`.
    async fn person_page(&self, f: &PersonFilter, plan: PersonPlan) -> Result<Page<PersonRecord>> {
        let q = Self::person_query(f, plan).keyset(PERSON_COLUMNS, &["p.id"], &f.at, f.limit);
        self.fetch_page(&q, &f.at, f.limit, |r: &PersonRecord| {
            Cursor(vec![KeyPart::Int(r.id)])
        })
        .await
    }

    /// How a person search reads. Collecting the matches of an address part from its pieces
    /// costs as many index rows as its pieces have; reading the persons in order and keeping
    /// those whose address contains the words costs the persons read until a page is full.
    /// `q=单元` is in 690,218 of 905,678 addresses: from the pieces, its first page took 1.1–2.8 s,
    /// in one grid too; read in order, 4 ms in a grid and 13 ms in the district.
    async fn person_plan(&self, f: &PersonFilter) -> Result<PersonPlan> {
        let large_scope = self.kept_total("persons", &f.prefix).await?.count > SMALL_SCOPE;
        let mut address_by_pieces = false;
        if let Some((_, pieces)) = &f.address
            && large_scope
        {
            for piece in pieces {
                let (n,): (i64,) = dispatch!(self, |p| {
                    sqlx::query_as(
                        "SELECT COUNT(*) FROM (SELECT 1 FROM address_grams
                                               WHERE gram = $1 LIMIT $2) counted",
                    )
                    .bind(piece.as_bytes())
                    .bind(BROAD_PIECE)
                    .fetch_one(p)
                    .await
                })?;
                if n < BROAD_PIECE {
                    address_by_pieces = true;
                    break;
                }
            }
        }
        Ok(PersonPlan {
            large_scope,
            address_by_pieces,
        })
    }

    /// The conditions of a person search, read by `plan`.
    fn person_query(f: &PersonFilter, plan: PersonPlan) -> ListQuery {
        let scope_column = if plan.large_scope {
            "(p.grid_code || '')"
        } else {
            "p.grid_code"
        };
        let mut q = ListQuery::scoped(scope_column, &f.prefix);
        if !f.ended {
            q.and_always("p.ended_at IS NULL");
        }
        // One `IN` over a union: PostgreSQL plans an OR of two subqueries as a scan of every person.
        let mut by_text: Vec<(String, Vec<Value>)> = Vec::new();
        if !f.name_grams.is_empty() {
            by_text.push((
                format!(
                    "SELECT person_id FROM person_name_grams WHERE gram IN ({})
                     GROUP BY person_id HAVING COUNT(*) = {}",
                    ListQuery::list(f.name_grams.len()),
                    f.name_grams.len()
                ),
                f.name_grams
                    .iter()
                    .map(|g| Value::Bytes(index_bytes(g)))
                    .collect(),
            ));
        }
        let mut address_words = None;
        if let Some((address, pieces)) = &f.address {
            if plan.address_by_pieces {
                let mut values: Vec<Value> = pieces.iter().map(|g| piece_bytes(g)).collect();
                values.push(like_contains(address).into());
                by_text.push((
                    format!(
                        "SELECT a.id FROM persons a WHERE a.address_id IN (
                         SELECT address_id FROM address_grams WHERE gram IN ({})
                         GROUP BY address_id HAVING COUNT(*) = {})
                       AND a.address LIKE ? ESCAPE '\\'",
                        ListQuery::list(pieces.len()),
                        pieces.len()
                    ),
                    values,
                ));
            } else {
                address_words = Some(like_contains(address));
            }
        }
        let (clauses, values): (Vec<String>, Vec<Vec<Value>>) = by_text.into_iter().unzip();
        let by_pieces =
            (!clauses.is_empty()).then(|| format!("p.id IN ({})", clauses.join(" UNION ")));
        match (address_words, by_pieces) {
            (Some(like), Some(by_pieces)) => q.and(
                &format!("(p.address LIKE ? ESCAPE '\\' OR {by_pieces})"),
                std::iter::once(Value::Text(like)).chain(values.into_iter().flatten()),
            ),
            (Some(like), None) => q.and("p.address LIKE ? ESCAPE '\\'", [like]),
            (None, Some(by_pieces)) => q.and(&by_pieces, values.into_iter().flatten()),
            (None, None) => &mut q,
        };
        if let Some(group) = &f.group {
            q.and(
                "p.id IN (SELECT person_id FROM special_group_members
                          WHERE group_code = ? AND ended_at IS NULL)",
                [group.as_str()],
            );
        }
        if let Some(tag) = &f.tag {
            q.and(
                "p.id IN (SELECT person_id FROM person_tags WHERE tag = ?)",
                [tag.as_str()],
            );
        }
        for (clause, index) in [
            ("p.id_index = ?", &f.id_index),
            ("p.phone_index = ?", &f.phone_index),
        ] {
            if let Some(v) = index {
                q.and(clause, [index_bytes(v)]);
            }
        }
        if let Some(residence) = &f.residence {
            q.and("p.residence = ?", [residence.as_str()]);
        }
        q
    }

    /// One person of `scope`, masked, whether active or ended.
    pub async fn person(&self, id: i64, scope: &Scope) -> Result<Option<PersonRecord>> {
        self.fetch_in_scope(PERSON_COLUMNS, "p.id", "p.grid_code", id, scope)
            .await
    }

    /// The blind index of a person's ID number (hex, as the services compute it), if the person
    /// lies under the org prefix of `scope`: for a lookup keyed by the same index elsewhere (the
    /// credit list) without unsealing the number.
    pub async fn person_id_index(&self, id: i64, scope: &Scope) -> Result<Option<String>> {
        let row: Option<(Vec<u8>,)> = dispatch!(self, |p| {
            sqlx::query_as(
                "SELECT id_index FROM persons WHERE id = $1 AND grid_code LIKE $2 || '%'",
            )
            .bind(id)
            .bind(scope.prefix())
            .fetch_optional(p)
            .await
        })?;
        Ok(row.map(|(bytes,)| index_hex(&bytes)))
    }

    /// Ends an active person (迁出, 死亡 …) with a reason, and their special-group memberships
    /// with them; the rows stay. Whether the person was active.
    pub async fn end_person(&self, id: i64, reason: &str, at: DateTime<Utc>) -> Result<bool> {
        let done = dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            let done = sqlx::query(
                "UPDATE persons SET ended_at = $2, end_reason = $3, updated_at = $2
                 WHERE id = $1 AND ended_at IS NULL",
            )
            .bind(id)
            .bind(at)
            .bind(reason)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            sqlx::query(
                "UPDATE special_group_members SET ended_at = $2, end_reason = $3, updated_at = $2
                 WHERE person_id = $1 AND ended_at IS NULL",
            )
            .bind(id)
            .bind(at)
            .bind(format!("人员已注销：{reason}"))
            .execute(&mut *tx)
            .await?;
            tx.commit().await.map(|()| done)
        })?;
        Ok(done == 1)
    }

    /// The ids of the active persons with these ID-number blind indexes.
    pub async fn person_ids(
        &self,
        id_indexes: &[String],
    ) -> Result<std::collections::HashMap<String, i64>> {
        let keys: Vec<Vec<u8>> = id_indexes.iter().map(|i| index_bytes(i)).collect();
        let rows: Vec<(Vec<u8>, i64)> = self
            .fetch_in(
                "SELECT id_index, id FROM persons WHERE ended_at IS NULL AND id_index IN ({})",
                &keys,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(index, id)| (index_hex(&index), id))
            .collect())
    }

    /// The sealed identifiers of many persons (for an export in plain text).
    pub async fn persons_sealed(&self, ids: &[i64]) -> Result<Vec<PersonSealed>> {
        self.fetch_in(
            "SELECT id, grid_code, name_sealed, id_sealed, phone_sealed FROM persons
             WHERE id IN ({})",
            ids,
        )
        .await
    }

    /// A page of the households under a prefix, by grid and 户号; `text` matches part of the
    /// address or the whole 户号.
    pub async fn households(
        &self,
        prefix: &str,
        text: Option<&str>,
        at: &PageAt,
        limit: i64,
    ) -> Result<Page<HouseholdRecord>> {
        let q = Self::household_query(prefix, text).keyset(
            HOUSEHOLD_COLUMNS,
            &["h.grid_code", "h.household_no", "h.id"],
            at,
            limit,
        );
        self.fetch_page(&q, at, limit, |h: &HouseholdRecord| {
            Cursor(vec![
                KeyPart::Text(h.grid_code.clone()),
                KeyPart::Text(h.household_no.clone()),
                KeyPart::Int(h.id),
            ])
        })
        .await
    }

    /// How many households a search finds (as [`Store::count_persons`] counts).
    pub async fn count_households(
        &self,
        prefix: &str,
        text: Option<&str>,
        exact: bool,
    ) -> Result<Total> {
        if text.is_none() {
            return self.kept_total("households", prefix).await;
        }
        let cap = (!exact).then_some(COUNT_CAP);
        let q = Self::household_query(prefix, text).count("FROM households h", cap);
        self.fetch_total(&q, cap).await
    }

    fn household_query(prefix: &str, text: Option<&str>) -> ListQuery {
        let mut q = ListQuery::scoped("h.grid_code", prefix);
        q.and_always("h.ended_at IS NULL");
        if let Some(t) = text {
            q.and(
                "(h.household_no = ? OR h.address LIKE ? ESCAPE '\\')",
                [t.to_owned(), like_contains(t)],
            );
        }
        q
    }

    /// A person's tags, in code order.
    pub async fn person_tags(&self, person_id: i64) -> Result<Vec<String>> {
        Ok(dispatch!(self, |p| {
            sqlx::query_scalar("SELECT tag FROM person_tags WHERE person_id = $1 ORDER BY tag")
                .bind(person_id)
                .fetch_all(p)
                .await
        })?)
    }

    /// Replaces a person's tags.
    pub async fn set_person_tags(
        &self,
        person_id: i64,
        tags: &[String],
        at: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self, |p| {
            let mut tx = p.begin_with(self.begin_write()).await?;
            sqlx::query("DELETE FROM person_tags WHERE person_id = $1")
                .bind(person_id)
                .execute(&mut *tx)
                .await?;
            for tag in tags {
                sqlx::query(
                    "INSERT INTO person_tags (person_id, tag, created_at) VALUES ($1, $2, $3)",
                )
                .bind(person_id)
                .bind(tag)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// The active tenants of a rental house, masked.
    pub async fn tenants(&self, place_id: i64) -> Result<Vec<PersonRecord>> {
        let sql = format!(
            "{PERSON_COLUMNS} WHERE p.id IN (SELECT person_id FROM place_tenants
                WHERE place_id = $1 AND ended_at IS NULL) ORDER BY p.id"
        );
        Ok(dispatch!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(place_id)
                .fetch_all(p)
                .await
        })?)
    }

    /// One household of `scope`.
    pub async fn household(&self, id: i64, scope: &Scope) -> Result<Option<HouseholdRecord>> {
        self.fetch_in_scope(HOUSEHOLD_COLUMNS, "h.id", "h.grid_code", id, scope)
            .await
    }

    /// A household's active members, masked, the head first.
    pub async fn household_members(&self, household_id: i64) -> Result<Vec<PersonRecord>> {
        let sql = format!(
            "{PERSON_COLUMNS} WHERE p.household_id = $1 AND p.ended_at IS NULL
             ORDER BY COALESCE(p.relation, '99'), p.birth_date, p.id"
        );
        Ok(dispatch!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(household_id)
                .fetch_all(p)
                .await
        })?)
    }

    /// One person's sealed identifiers, if the person is of `scope`.
    pub async fn person_sealed(&self, id: i64, scope: &Scope) -> Result<Option<PersonSealed>> {
        self.fetch_in_scope(
            "SELECT id, grid_code, name_sealed, id_sealed, phone_sealed FROM persons",
            "id",
            "grid_code",
            id,
            scope,
        )
        .await
    }
}

/// Writing the name and address pieces of a batch, the fastest way each backend offers. The
/// pieces are of persons just inserted or whose pieces were just deleted, each piece once per
/// person, or of addresses just inserted, so nothing can conflict (PostgreSQL's `ON CONFLICT`
/// check probed every index twice).
trait InsertPieces {
    /// Inserts `(key, piece)` rows into `table` (a fixed name) whose key column is `key`.
    async fn insert_pieces(
        &mut self,
        table: &str,
        key: &str,
        pieces: &[(i64, Vec<u8>)],
    ) -> sqlx::Result<()>;

    /// Inserts the addresses not yet known; the `(id, address)` of those it inserted.
    async fn insert_addresses(&mut self, addresses: &[&str]) -> sqlx::Result<Vec<(i64, String)>>;

    /// The `(id, address)` of known addresses.
    async fn select_addresses(&mut self, addresses: &[&str]) -> sqlx::Result<Vec<(i64, String)>>;

    /// The id of each address of `rows`, the addresses not yet known added with their pieces.
    async fn address_ids<'r>(
        &mut self,
        rows: impl Iterator<Item = &'r NewPerson>,
    ) -> sqlx::Result<std::collections::HashMap<String, i64>> {
        let mut pieces: std::collections::HashMap<&str, &[String]> =
            std::collections::HashMap::new();
        for r in rows {
            pieces.entry(r.address.as_str()).or_insert(&r.address_grams);
        }
        let addresses: Vec<&str> = pieces.keys().copied().collect();
        let added = self.insert_addresses(&addresses).await?;
        let added_pieces: Vec<(i64, Vec<u8>)> = added
            .iter()
            .flat_map(|(id, address)| {
                pieces
                    .get(address.as_str())
                    .into_iter()
                    .flat_map(|p| p.iter())
                    .map(|g| (*id, g.as_bytes().to_vec()))
            })
            .collect();
        self.insert_pieces("address_grams", "address_id", &added_pieces)
            .await?;
        let mut ids: std::collections::HashMap<String, i64> =
            added.into_iter().map(|(id, a)| (a, id)).collect();
        let rest: Vec<&str> = addresses
            .into_iter()
            .filter(|a| !ids.contains_key(*a))
            .collect();
        if !rest.is_empty() {
            ids.extend(
                self.select_addresses(&rest)
                    .await?
                    .into_iter()
                    .map(|(id, a)| (a, id)),
            );
        }
        Ok(ids)
    }
}

impl InsertPieces for sqlx::Transaction<'_, sqlx::Sqlite> {
    /// Multi-row statements with anonymous placeholders (numbered ones cost quadratic time).
    async fn insert_pieces(
        &mut self,
        table: &str,
        key: &str,
        pieces: &[(i64, Vec<u8>)],
    ) -> sqlx::Result<()> {
        for part in pieces.chunks(GRAM_CHUNK) {
            let row = "(?, ?)";
            let sql = format!(
                "INSERT INTO {table} ({key}, gram) VALUES {}",
                vec![row; part.len()].join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (id, gram) in part {
                q = q.bind(*id).bind(gram);
            }
            q.execute(&mut **self).await?;
        }
        Ok(())
    }

    async fn insert_addresses(&mut self, addresses: &[&str]) -> sqlx::Result<Vec<(i64, String)>> {
        if addresses.is_empty() {
            return Ok(Vec::new());
        }
        sqlite_addresses(
            self,
            "INSERT INTO addresses (address) VALUES {} ON CONFLICT (address) DO NOTHING
             RETURNING id, address",
            "(?)",
            addresses,
        )
        .await
    }

    async fn select_addresses(&mut self, addresses: &[&str]) -> sqlx::Result<Vec<(i64, String)>> {
        sqlite_addresses(
            self,
            "SELECT id, address FROM addresses WHERE address IN ({})",
            "?",
            addresses,
        )
        .await
    }
}

/// The `(id, address)` rows of `sql`, whose `{}` takes one `each` per address, bound in order.
async fn sqlite_addresses(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    sql: &str,
    each: &str,
    addresses: &[&str],
) -> sqlx::Result<Vec<(i64, String)>> {
    let sql = sql.replacen("{}", &vec![each; addresses.len()].join(", "), 1);
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for a in addresses {
        q = q.bind(*a);
    }
    q.fetch_all(&mut **tx).await
}

impl InsertPieces for sqlx::Transaction<'_, sqlx::Postgres> {
    /// One statement of two arrays: PostgreSQL parses two parameters instead of thousands.
    async fn insert_pieces(
        &mut self,
        table: &str,
        key: &str,
        pieces: &[(i64, Vec<u8>)],
    ) -> sqlx::Result<()> {
        if pieces.is_empty() {
            return Ok(());
        }
        let (ids, grams): (Vec<i64>, Vec<&[u8]>) =
            pieces.iter().map(|(id, g)| (*id, g.as_slice())).unzip();
        let sql = format!(
            "INSERT INTO {table} ({key}, gram) SELECT * FROM UNNEST($1::BIGINT[], $2::BYTEA[])"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(ids)
            .bind(grams)
            .execute(&mut **self)
            .await?;
        Ok(())
    }

    async fn insert_addresses(&mut self, addresses: &[&str]) -> sqlx::Result<Vec<(i64, String)>> {
        sqlx::query_as(
            "INSERT INTO addresses (address) SELECT * FROM UNNEST($1::TEXT[])
             ON CONFLICT (address) DO NOTHING RETURNING id, address",
        )
        .bind(addresses)
        .fetch_all(&mut **self)
        .await
    }

    async fn select_addresses(&mut self, addresses: &[&str]) -> sqlx::Result<Vec<(i64, String)>> {
        sqlx::query_as("SELECT id, address FROM addresses WHERE address = ANY($1)")
            .bind(addresses)
            .fetch_all(&mut **self)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::{index_bytes, index_hex};
    use proptest::prelude::*;

    proptest! {
        /// A blind index goes into the database as 32 bytes and comes back as the same hex.
        #[test]
        fn a_blind_index_round_trips_through_its_bytes(bytes in proptest::collection::vec(any::<u8>(), 32)) {
            let hex = index_hex(&bytes);
            prop_assert_eq!(hex.len(), 64);
            prop_assert_eq!(index_bytes(&hex), bytes);
        }
    }

    #[test]
    fn a_malformed_index_matches_no_stored_one() {
        assert_eq!(index_bytes("zz0"), vec![0xff, 0xff]);
    }
}
