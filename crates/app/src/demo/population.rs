//! 演示人口 — the demo district's 905,678 residents (通川区's registered figure), synthetic, in
//! households across the grids: a head, often a spouse, children and now and then an elderly
//! parent, with valid 公民身份号码 (check characters computed), phones for most adults, the
//! household's address, and the shares a district sees: about one in seven a 流动人口 registered
//! elsewhere, some 留守 elderly and children in the villages. A plausible share is enrolled in the
//! special groups, each visited by its grid worker, a few of them overdue.
//!
//! Generated grid by grid and written through the same path as an import; the grids done are
//! kept in the settings, so an interrupted run goes on where it stopped.

use super::names::{GIVEN, SURNAMES};
use super::places::Rental;
use super::rng::SplitMix64;
use crate::{App, AppError, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use pingan_domain::identity::check_character;
use pingan_domain::person::{HEAD_OF_HOUSEHOLD, PersonInput, Residence};
use pingan_domain::special_group::{SpecialGroup, visit_interval};
use pingan_store::{NewHousehold, NewMember, NewPerson, NewVisit};
use std::collections::HashMap;

/// 通川区's population.
pub const POPULATION: usize = 905_678;
const SEED: u64 = 905_678;
/// The setting that holds how many grids are done.
const PROGRESS_KEY: &str = "demo.population.grids";

/// Where other registrations of 流动人口 come from: 达州's other counties and neighbours.
const ELSEWHERE: [&str; 8] = [
    "511703", "511722", "511723", "511724", "511725", "511781", "500101", "510107",
];
/// (GB 3304 code, share in ten thousand) beyond 汉族: 土家族, 回族, 苗族, 彝族, 藏族.
const MINORITIES: [(&str, u64); 5] = [("15", 30), ("03", 8), ("06", 6), ("07", 4), ("04", 2)];
/// Per group: share in a hundred thousand of those of age, and the ages.
const GROUP_SHARES: [(SpecialGroup, u64, i32, i32); 6] = [
    (SpecialGroup::Released, 250, 20, 75),
    (SpecialGroup::Correction, 55, 18, 70),
    (SpecialGroup::MentalDisorder, 520, 15, 90),
    (SpecialGroup::DrugUser, 120, 18, 60),
    (SpecialGroup::AidsRisk, 25, 18, 60),
    (SpecialGroup::KeyYouth, 700, 6, 24),
];
const VISIT_NOTES: [&str; 6] = [
    "本人在家，情绪稳定，按时服药",
    "与家属交谈，近况正常，无异常情况",
    "本人外出务工，电话联系核实，情况正常",
    "入户走访，宣传政策，家中生活困难已登记",
    "本人在家，配合良好，已提醒按时报到",
    "与监护人面谈，在校表现良好",
];

/// What a generated person needs besides the input: their age and the household's grid.
struct Resident {
    input: PersonInput,
    age: i32,
}

/// One grid's households and residents, generated.
struct GridPeople {
    village: String,
    urban: bool,
    households: Vec<NewHousehold>,
    residents: Vec<(Resident, Option<usize>)>,
}

/// One grid's residents ready to write: sealed and indexed (on a blocking thread, while the grid
/// before is written), with the ID index and age of each and the rental houses of the 流动人口.
struct PreparedGrid {
    grid_code: String,
    village: String,
    urban: bool,
    households: Vec<NewHousehold>,
    rows: Vec<NewPerson>,
    ages: Vec<(String, i32)>,
    rentals: Vec<Rental>,
}

/// A grid being prepared, with what its writing needs: its generator (the places and the
/// special groups draw from it after the residents) and its place in the run.
struct PendingGrid {
    prepared: tokio::task::JoinHandle<Result<PreparedGrid>>,
    rng: SplitMix64,
    index: usize,
    count: usize,
}

/// Allocates `total` persons over `grids` grids, varied but summing exactly.
fn allocation(grids: usize, total: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let weights: Vec<f64> = (0..grids).map(|_| rng.vary(0.45)).collect();
    let sum: f64 = weights.iter().sum();
    let mut counts: Vec<usize> = weights
        .iter()
        .map(|w| (w / sum * total as f64).floor() as usize)
        .collect();
    let mut left = total - counts.iter().sum::<usize>();
    for c in counts.iter_mut() {
        if left == 0 {
            break;
        }
        *c += 1;
        left -= 1;
    }
    counts
}

/// Builds the valid 18-character number for an area, a birth date and a sex, unique through
/// `taken` (the next free sequence per area, date and sex).
pub(super) fn id_number(
    area: &str,
    birth: NaiveDate,
    male: bool,
    taken: &mut HashMap<(String, NaiveDate, bool), u16>,
) -> Option<String> {
    let next = taken.entry((area.to_owned(), birth, male)).or_insert(0);
    if *next >= 500 {
        return None;
    }
    // The 17th character is odd for men and even for women.
    let seq = *next * 2 + u16::from(male);
    *next += 1;
    let first17 = format!("{area}{}{seq:03}", birth.format("%Y%m%d"));
    let check = check_character(&first17)?;
    Some(format!("{first17}{check}"))
}

fn given_name(rng: &mut SplitMix64) -> String {
    let first = rng.pick(&GIVEN);
    if rng.below(10) < 6 {
        format!("{first}{}", rng.pick(&GIVEN))
    } else {
        first.to_owned()
    }
}

/// The households and residents of one grid.
fn grid_people(
    grid_code: &str,
    village: &str,
    urban: bool,
    count: usize,
    today: NaiveDate,
    rng: &mut SplitMix64,
    taken: &mut HashMap<(String, NaiveDate, bool), u16>,
) -> GridPeople {
    let mut people = GridPeople {
        village: village.to_owned(),
        urban,
        households: Vec::new(),
        residents: Vec::with_capacity(count),
    };
    let mut house = 0usize;
    while people.residents.len() < count {
        house += 1;
        // 1 to 6 people, about 2.8 on average.
        let size = match rng.below(100) {
            0..=17 => 1,
            18..=45 => 2,
            46..=70 => 3,
            71..=87 => 4,
            88..=96 => 5,
            _ => 6,
        }
        .min(count - people.residents.len());
        let floating = rng.below(100) < 14;
        let area = if floating {
            rng.pick(&ELSEWHERE)
        } else {
            "511702"
        };
        let address = if urban {
            format!(
                "{village}{}号{}栋{}单元{}0{}室",
                1 + rng.below(300),
                1 + rng.below(12),
                1 + rng.below(4),
                1 + rng.below(18),
                1 + rng.below(4)
            )
        } else {
            format!("{village}{}组{}号", 1 + rng.below(12), 1 + rng.below(80))
        };
        let household_no = format!("{}{house:05}", grid_code.get(9..).unwrap_or_default());
        let at = people.households.len();
        people.households.push(NewHousehold {
            grid_code: grid_code.to_owned(),
            household_no: household_no.clone(),
            address: address.clone(),
        });
        let surname = rng.pick(&SURNAMES);
        let head_age = 24 + rng.below(56) as i32;
        let head_male = rng.below(100) < 78;
        let left_behind_village = !urban && rng.below(100) < 12;
        // (age, male, relation, surname)
        let mut members: Vec<(i32, bool, &str, String)> =
            vec![(head_age, head_male, HEAD_OF_HOUSEHOLD, surname.to_owned())];
        if size >= 2 {
            let spouse_age = (head_age + rng.below(7) as i32 - 3).max(20);
            let relation = if head_male { "12" } else { "11" };
            members.push((
                spouse_age,
                !head_male,
                relation,
                rng.pick(&SURNAMES).to_owned(),
            ));
        }
        for k in 2..size {
            let mother_age = members.get(1).map_or(head_age, |m| m.0);
            if k == 5 || (k == 4 && head_age < 50) {
                // An elderly parent of the head.
                let age = (head_age + 24 + rng.below(10) as i32).min(99);
                let male = rng.below(2) == 0;
                members.push((
                    age,
                    male,
                    if male { "51" } else { "52" },
                    surname.to_owned(),
                ));
            } else {
                let age = (mother_age - 22 - rng.below(14) as i32).max(0);
                let male = rng.below(2) == 0;
                let relation = if male { "20" } else { "30" };
                members.push((age, male, relation, surname.to_owned()));
            }
        }
        for (age, male, relation, family) in members {
            let birth = today - Duration::days(i64::from(age) * 365 + rng.below(365) as i64 + 1);
            let Some(id_number) = id_number(area, birth, male, taken) else {
                continue;
            };
            let residence = if floating {
                "floating"
            } else if left_behind_village && !(16..65).contains(&age) {
                "left_behind"
            } else {
                "registered"
            };
            let phone = if age >= 16 && rng.below(100) < 92 {
                let prefix = rng.pick(&["13", "15", "17", "18", "19"]);
                format!("{prefix}{:09}", rng.next_u64() % 1_000_000_000)
            } else {
                String::new()
            };
            let roll = rng.below(10_000) as u64;
            let mut ethnicity = "01";
            let mut edge = 0;
            for (code, share) in MINORITIES {
                edge += share;
                if roll < edge {
                    ethnicity = code;
                    break;
                }
            }
            let input = PersonInput {
                name: format!("{family}{}", given_name(rng)),
                id_number,
                phone,
                address: address.clone(),
                sex: String::new(),
                ethnicity: ethnicity.to_owned(),
                residence: residence.to_owned(),
                household_no: household_no.clone(),
                relation: relation.to_owned(),
            };
            people.residents.push((Resident { input, age }, Some(at)));
        }
    }
    people
}

impl App {
    /// Generates `total` persons ([`POPULATION`] for the district) grid by grid, from where an
    /// earlier run stopped; `progress` hears (grids done, grids, persons so far). Returns the
    /// persons written by this run.
    pub async fn seed_demo_population(
        &self,
        total: usize,
        progress: impl Fn(usize, usize, usize),
    ) -> Result<usize> {
        let grids = self.store.grids_under("").await?;
        if grids.is_empty() {
            return Ok(0);
        }
        let names: HashMap<String, String> = self
            .store
            .org_units_under("")
            .await?
            .into_iter()
            .map(|u| (u.code, u.name))
            .collect();
        let done: usize = self
            .store
            .setting(PROGRESS_KEY)
            .await?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut rng = SplitMix64::new(SEED);
        let counts = allocation(grids.len(), total, &mut rng);
        let today = pingan_domain::time::beijing_date(Utc::now());
        let now = pingan_domain::audit::to_micros(Utc::now());
        let mut taken = HashMap::new();
        let mut written = 0usize;
        let mut so_far = counts.iter().take(done).sum::<usize>();
        let mut pending: Option<PendingGrid> = None;
        for (i, (grid, count)) in grids.iter().zip(&counts).enumerate() {
            // Every grid draws from its own generator, so that resuming gives the same people;
            // the ID sequences are regenerated for the grids already done.
            let mut rng = SplitMix64::new(SEED ^ (i as u64).wrapping_mul(0x9e37_79b9));
            let village_code = grid.code.get(..12).unwrap_or_default();
            let village = names
                .get(village_code)
                .map_or("", String::as_str)
                .trim_end_matches("社区")
                .trim_end_matches("村");
            let urban = names.get(village_code).is_some_and(|n| n.ends_with("社区"));
            let people = grid_people(
                &grid.code, village, urban, *count, today, &mut rng, &mut taken,
            );
            if i < done {
                continue;
            }
            // The next grid is sealed on a blocking thread while this one is written: 160 → 152 s
            // for the district (the writing, not the sealing, is most of the time).
            let (app, grid_code) = (self.clone(), grid.code.clone());
            let prepared = tokio::task::spawn_blocking(move || {
                app.prepare_grid(grid_code, people, today, now)
            });
            let next = PendingGrid {
                prepared,
                rng,
                index: i,
                count: *count,
            };
            // The grid before this one, then this one too if it is the last.
            let before = pending.replace(next);
            let last = if i + 1 == grids.len() {
                pending.take()
            } else {
                None
            };
            for ready in before.into_iter().chain(last) {
                let (index, count) = (ready.index, ready.count);
                written += self.write_grid(ready, today, now).await?;
                so_far += count;
                progress(index + 1, grids.len(), so_far);
            }
        }
        if written > 0 {
            self.store.analyze_persons().await?;
            // The enterprises are placed now: the first of them get their 法律健康档案.
            super::legal::seed_health(self).await?;
        }
        Ok(written)
    }

    /// Validates, seals and indexes one grid's residents.
    fn prepare_grid(
        &self,
        grid_code: String,
        people: GridPeople,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<PreparedGrid> {
        let mut rows: Vec<NewPerson> = Vec::with_capacity(people.residents.len());
        let mut ages = Vec::with_capacity(people.residents.len());
        // About half of the 流动人口 households rent their home: a rental house, its tenants.
        let mut rentals: std::collections::BTreeMap<usize, Rental> = Default::default();
        for (resident, household) in people.residents {
            let valid = resident
                .input
                .validate(today)
                .map_err(|e| AppError::Internal(format!("演示人口生成了无效的数据：{e:?}")))?;
            let rents = household.filter(|h| valid.residence == Residence::Floating && h % 2 == 0);
            let address = valid.address.clone();
            let row = self
                .registry()
                .new_person(valid, grid_code.clone(), household, now)?;
            if let Some(h) = rents {
                rentals
                    .entry(h)
                    .or_insert_with(|| Rental {
                        address,
                        tenants: Vec::new(),
                    })
                    .tenants
                    .push(row.id_index.clone());
            }
            ages.push((row.id_index.clone(), resident.age));
            rows.push(row);
        }
        Ok(PreparedGrid {
            grid_code,
            village: people.village,
            urban: people.urban,
            households: people.households,
            rows,
            ages,
            rentals: rentals.into_values().collect(),
        })
    }

    /// Writes one prepared grid's households and persons, then enrols some in the special groups
    /// with their visits, and notes the grid as done.
    async fn write_grid(
        &self,
        pending: PendingGrid,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let PendingGrid {
            prepared,
            mut rng,
            index,
            ..
        } = pending;
        let grid = prepared
            .await
            .map_err(|e| AppError::Internal(format!("演示人口的准备线程失败：{e}")))??;
        let written = self.write_prepared(grid, today, now, &mut rng).await?;
        self.store
            .set_setting(PROGRESS_KEY, &(index + 1).to_string())
            .await?;
        Ok(written)
    }

    /// Writes one prepared grid: its persons, places, special-group members and their visits.
    async fn write_prepared(
        &self,
        grid: PreparedGrid,
        today: NaiveDate,
        now: DateTime<Utc>,
        rng: &mut SplitMix64,
    ) -> Result<usize> {
        let PreparedGrid {
            grid_code,
            village,
            urban,
            households,
            rows,
            ages,
            rentals,
        } = grid;
        let grid_code = grid_code.as_str();
        let writes = self
            .store
            .upsert_persons("", &households, &rows, now, &|_| {})
            .await?;
        self.seed_grid_places(grid_code, &village, urban, rentals, rng, today)
            .await?;
        let worker = self
            .store
            .user_by_username(&format!("wg{grid_code}"))
            .await?
            .map(|u| u.id);
        let Some(worker) = worker else {
            return Ok(writes.inserted);
        };
        let chosen: Vec<(String, i32, SpecialGroup)> = ages
            .into_iter()
            .filter_map(|(index, age)| {
                let roll = rng.below(100_000) as u64;
                let mut edge = 0;
                for (group, share, min, max) in GROUP_SHARES {
                    edge += share;
                    if roll < edge {
                        return (min..=max).contains(&age).then_some((index, age, group));
                    }
                }
                None
            })
            .collect();
        let indexes: Vec<String> = chosen.iter().map(|c| c.0.clone()).collect();
        let ids = self.store.person_ids(&indexes).await?;
        let policies = self.registry().visit_policies().await?;
        let (mut members, mut visits) = (Vec::new(), Vec::new());
        for (index, _age, group) in chosen {
            let Some(&person_id) = ids.get(&index) else {
                continue;
            };
            let risk = match group {
                // 危险性评估: most at 0–2, about three in ten at 3 or above.
                SpecialGroup::MentalDisorder => match rng.below(10) {
                    0..=2 => 0,
                    3 | 4 => 1,
                    5 | 6 => 2,
                    7 | 8 => 3,
                    _ => 4,
                },
                _ => rng.below(3) as i32,
            };
            let enrolled_on = today - Duration::days(30 + rng.below(1500) as i64);
            members.push(NewMember {
                person_id,
                group_code: group.code().to_owned(),
                risk_level: Some(risk),
                facts_sealed: None,
                enrolled_on,
                created_by: worker,
                at: now,
            });
            let every = visit_interval(&policies, group, i16::try_from(risk).ok()).unwrap_or(90);
            // Most were visited within their interval; about one in fifteen is overdue.
            let stretch = if rng.below(15) == 0 { 130 } else { 95 };
            let ago = rng.below((i64::from(every) * stretch / 100).max(1) as usize) as i64;
            let visited_on = (today - Duration::days(ago)).max(enrolled_on);
            let visited_at = pingan_domain::time::beijing_midnight(visited_on)
                + Duration::hours(9 + rng.below(9) as i64);
            visits.push(NewVisit {
                person_id,
                visitor_id: worker,
                visited_at,
                point: None,
                notes_sealed: self
                    .cipher
                    .seal(crate::registry::visits::NOTES_FIELD, rng.pick(&VISIT_NOTES))?,
                temperature: None,
                symptoms: None,
                client_id: format!("demo-{person_id}-{}", visited_on.num_days_from_ce()),
                at: now,
            });
        }
        self.store
            .insert_members_and_visits(&members, &visits)
            .await?;
        self.registry().refresh_visit_dues(None, true).await?;
        Ok(writes.inserted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allocation_sums_to_the_population() {
        let mut rng = SplitMix64::new(1);
        let counts = allocation(453, POPULATION, &mut rng);
        assert_eq!(counts.iter().sum::<usize>(), POPULATION);
        assert!(
            counts.iter().all(|c| (900..3_300).contains(c)),
            "{counts:?}"
        );
    }

    #[test]
    fn generated_people_are_valid_and_unique() {
        let mut rng = SplitMix64::new(7);
        let mut taken = HashMap::new();
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let people = grid_people(
            "511702001001001",
            "二马路",
            true,
            2_000,
            today,
            &mut rng,
            &mut taken,
        );
        assert_eq!(people.residents.len(), 2_000);
        let mut ids = std::collections::HashSet::new();
        for (r, household) in &people.residents {
            let v = r.input.validate(today).unwrap();
            assert!(ids.insert(v.id_number.as_str().to_owned()));
            assert!(household.is_some());
        }
        let heads = people
            .residents
            .iter()
            .filter(|(r, _)| r.input.relation == HEAD_OF_HOUSEHOLD)
            .count();
        assert_eq!(heads, people.households.len());
        let per_household = 2_000.0 / people.households.len() as f64;
        assert!((2.3..3.3).contains(&per_household), "{per_household}");
    }
}
