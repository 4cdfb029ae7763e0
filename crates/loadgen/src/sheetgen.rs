//! `pingan-sheetgen` — writes synthetic spreadsheets for import benchmarks: persons of 通川区 with
//! valid 公民身份号码 (check characters computed), phones and addresses, and a share of bad rows
//! (wrong check character, short phone, missing address) that an import must refuse and name.

use anyhow::{Context, Result};
use clap::Parser;
use rust_xlsxwriter::{Format, Workbook};

#[derive(Parser)]
#[command(
    name = "pingan-sheetgen",
    about = "生成导入基准测试用的实有人口表格（合成数据）"
)]
struct Cli {
    /// How many rows.
    #[arg(long, default_value_t = 100_000)]
    rows: usize,
    /// The share of bad rows, 0–1.
    #[arg(long, default_value_t = 0.01)]
    bad_share: f64,
    /// The .xlsx to write.
    #[arg(long)]
    out: std::path::PathBuf,
}

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "罗", "唐", "冉",
];
const GIVEN: [&str; 24] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华",
];
const STREETS: [&str; 8] = [
    "朝阳路",
    "通川北路",
    "翠屏路",
    "凤凰大道",
    "西外大街",
    "南外大道",
    "金龙大道",
    "荷花池路",
];
/// The 18-character number for a birth date (yyyymmdd) and a sequence 0–999.
fn id_number(birth: u32, seq: u32) -> String {
    let first17 = format!("511702{birth:08}{seq:03}");
    let check = pingan_domain::identity::check_character(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

/// The item at `i` of a non-empty list.
fn pick<'a>(list: &[&'a str], i: u64) -> &'a str {
    list.get(i as usize % list.len().max(1))
        .copied()
        .unwrap_or_default()
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    for (c, h) in ["姓名", "公民身份号码", "联系方式", "现住址"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let every = if cli.bad_share > 0.0 {
        (1.0 / cli.bad_share).round().max(1.0) as usize
    } else {
        usize::MAX
    };
    let mut state: u64 = 0x2026_1128;
    let mut next = |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    for i in 0..cli.rows {
        let r = u32::try_from(i + 1).context("行数过多")?;
        // Distinct numbers: the row number spreads over birth dates and sequences.
        let day = i / 1000;
        let (year, month, dom) = (1940 + (day / 336) % 80, 1 + (day / 28) % 12, 1 + day % 28);
        let birth = (year * 10_000 + month * 100 + dom) as u32;
        let mut id = id_number(birth, (i % 1000) as u32);
        let name = format!(
            "{}{}{}",
            pick(&SURNAMES, next(20)),
            pick(&GIVEN, next(24)),
            if next(2) == 0 {
                pick(&GIVEN, next(24))
            } else {
                ""
            }
        );
        let mut phone = format!("13{:09}", next(1_000_000_000));
        let mut address = format!("{}{}号", pick(&STREETS, next(8)), 1 + next(300));
        if i % every == every - 1 {
            match (i / every) % 3 {
                0 => {
                    let last = if id.ends_with('0') { '1' } else { '0' };
                    id.pop();
                    id.push(last);
                }
                1 => phone.truncate(7),
                _ => address.clear(),
            }
        }
        for (c, v) in [name, id, phone, address].iter().enumerate() {
            sheet.write_string(r, c as u16, v)?;
        }
    }
    book.save(&cli.out)
        .with_context(|| format!("无法写入 {}", cli.out.display()))?;
    println!(
        "已生成 {} 行（其中约 {:.0}% 为错误行）：{}",
        cli.rows,
        cli.bad_share * 100.0,
        cli.out.display()
    );
    Ok(())
}
