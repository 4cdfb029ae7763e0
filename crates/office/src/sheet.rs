//! 电子表格 — reading the first sheet of an uploaded .xlsx as text cells, and writing a sheet
//! with Chinese headers, drop-down lists of codes and text-formatted code columns (templates,
//! rejected-row reports, exports). Every import and export of Pingan goes through here.

use crate::{OfficeError, Result};
use calamine::{Data, DataRef, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, Format, Workbook};
use std::io::Cursor;

/// The largest spreadsheet accepted.
pub const MAX_SHEET_BYTES: usize = 32 * 1024 * 1024;

/// The most columns an import sheet may use (our widest template has 24).
pub const MAX_SHEET_COLUMNS: u32 = 64;

/// How long reading one sheet may take before it is refused.
pub const SHEET_TIME_BUDGET: std::time::Duration = std::time::Duration::from_secs(20);

/// Cells (empty ones included) read between two looks at the clock.
const CLOCK_EVERY: u64 = 1 << 14;

/// A cell as read: its text, or a number typed where the template wants text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Cell {
    /// The cell as text (numbers as Excel would show them when they are whole).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_owned(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            Cell::Number(n) => n.to_string(),
        }
    }

    fn of(value: DataRef<'_>) -> Self {
        match value {
            DataRef::Empty => Cell::Empty,
            DataRef::String(s) => Cell::Text(s),
            DataRef::SharedString(s) => Cell::Text(s.to_owned()),
            DataRef::Float(f) => Cell::Number(f),
            DataRef::Int(i) => Cell::Number(i as f64),
            DataRef::Bool(b) => Cell::Text(if b { "是" } else { "否" }.into()),
            other => Cell::Text(Data::from(other).to_string()),
        }
    }
}

/// The rows of the first sheet (the header row first, as Excel numbers them from row 1), at most
/// `max_rows` of them after the header.
///
/// The sheet is read cell by cell as it is stored, never as the rectangle its cells span: a data
/// cell beyond row `max_rows + 1` or column [`MAX_SHEET_COLUMNS`] is refused before anything is
/// allocated for it, and a sheet that takes longer than [`SHEET_TIME_BUDGET`] to read (millions of
/// empty cells) is refused too. A file that is not an .xlsx, or is larger than
/// [`MAX_SHEET_BYTES`], is refused with a message saying so. This is CPU work: call it from the
/// blocking pool ([`read_import`] does).
pub fn read_first_sheet(bytes: &[u8], max_rows: usize) -> Result<Vec<Vec<Cell>>> {
    refuse_oversize(bytes)?;
    // The parser has panicked on damaged files (a `<dimension>` ending before it starts overflowed a row count):
    // a damaged upload is refused like any file that is not an .xlsx, never a crash.
    std::panic::catch_unwind(|| read_cells(bytes, max_rows)).unwrap_or_else(|_| {
        Err(OfficeError::Invalid(
            "无法读取表格：文件已损坏。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传".into(),
        ))
    })
}

/// [`read_first_sheet`] of a file within the size limit.
fn read_cells(bytes: &[u8], max_rows: usize) -> Result<Vec<Vec<Cell>>> {
    let not_xlsx = |e: &dyn std::fmt::Display| {
        OfficeError::Invalid(format!(
            "无法读取表格：{e}。请上传 Excel 2007 及以上的 .xlsx 文件（.xls 请先另存为 .xlsx）"
        ))
    };
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| not_xlsx(&e))?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| OfficeError::Invalid("表格里没有工作表".into()))?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|e| not_xlsx(&e))?;
    let too_many_rows = || {
        OfficeError::TooLarge(format!(
            "表格超过 {max_rows} 行，一次最多导入 {max_rows} 行，请分成几个文件"
        ))
    };
    let started = std::time::Instant::now();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let most_cells = (max_rows as u64 + 1) * u64::from(MAX_SHEET_COLUMNS);
    let mut read: u64 = 0;
    while let Some(cell) = cells.next_cell().map_err(|e| not_xlsx(&e))? {
        read += 1;
        if read > most_cells {
            return Err(OfficeError::TooLarge(format!(
                "表格的单元格超过 {most_cells} 个（含空白单元格）：请只保留有内容的行和列，另存后再导入"
            )));
        }
        if read.is_multiple_of(CLOCK_EVERY) && started.elapsed() > SHEET_TIME_BUDGET {
            return Err(OfficeError::TooLarge(format!(
                "表格读取超过 {} 秒仍未读完（空白单元格过多）：请只保留有内容的行和列，另存后再导入",
                SHEET_TIME_BUDGET.as_secs()
            )));
        }
        let (row, col) = cell.get_position();
        let value = Cell::of(cell.get_value().clone());
        if value.text().is_empty() {
            continue;
        }
        let row = usize::try_from(row).map_err(|_| too_many_rows())?;
        if row > max_rows {
            return Err(too_many_rows());
        }
        if col >= MAX_SHEET_COLUMNS {
            return Err(OfficeError::TooLarge(format!(
                "表格第 {} 行有内容超出了第 {MAX_SHEET_COLUMNS} 列：导入模板的列都在前面，请删去多余的列",
                row + 1
            )));
        }
        if rows.len() <= row {
            rows.resize_with(row + 1, Vec::new);
        }
        let col = col as usize;
        if let Some(cells) = rows.get_mut(row) {
            if cells.len() <= col {
                cells.resize(col + 1, Cell::Empty);
            }
            if let Some(slot) = cells.get_mut(col) {
                *slot = value;
            }
        }
    }
    Ok(rows)
}

/// Refuses a file larger than [`MAX_SHEET_BYTES`] before any work.
fn refuse_oversize(bytes: &[u8]) -> Result<()> {
    if bytes.len() > MAX_SHEET_BYTES {
        return Err(OfficeError::TooLarge(format!(
            "表格文件超过 {} MB，请分成几个文件导入",
            MAX_SHEET_BYTES / 1024 / 1024
        )));
    }
    Ok(())
}

/// A cell that was refused.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RejectedCell {
    /// The row number as Excel shows it (the header is row 1).
    pub row: usize,
    pub column: String,
    pub value: String,
    pub reason: String,
}

/// Adds to an import's rejected cells those of rows refused when written (one cell a row), keeping
/// them in row order; returns how many rows that was.
pub fn add_refused(
    rejected: &mut Vec<RejectedCell>,
    refused: impl IntoIterator<Item = RejectedCell>,
) -> usize {
    let before = rejected.len();
    rejected.extend(refused);
    rejected.sort_by_key(|r| r.row);
    rejected.len() - before
}

/// Rejected cells as a sheet to download, fix and import again.
pub fn rejected_sheet(cells: &[RejectedCell]) -> Result<Vec<u8>> {
    let rows: Vec<Vec<String>> = cells
        .iter()
        .map(|r| {
            vec![
                r.row.to_string(),
                r.column.clone(),
                r.value.clone(),
                r.reason.clone(),
            ]
        })
        .collect();
    write_sheet(
        "未导入的行",
        &[
            Column::new("行号", 8.0),
            Column::new("列", 14.0),
            Column::new("填写的内容", 28.0).text(),
            Column::new("原因", 50.0),
        ],
        &rows,
        None,
    )
}

/// The columns of an import sheet, found by their headers in any order (a bracketed note after a
/// header, as in `经度（WGS-84）`, is ignored).
#[derive(Debug)]
pub struct Columns(std::collections::HashMap<&'static str, usize>);

impl Columns {
    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// The cell of `row` under the header `name` (empty when the column or the cell is absent).
    pub fn cell<'r>(&self, row: &'r [Cell], name: &str) -> &'r Cell {
        const EMPTY: &Cell = &Cell::Empty;
        self.0.get(name).and_then(|&p| row.get(p)).unwrap_or(EMPTY)
    }
}

/// Reads an import: the first sheet's header row matched against `known` (header, required) — a
/// missing required header is refused by name — and the rows under it. The sheet is parsed on the
/// blocking pool, so that a large or hostile file never holds up the rest of the hub.
pub async fn read_import(
    bytes: &[u8],
    max_rows: usize,
    known: &[(&'static str, bool)],
) -> Result<(Columns, Vec<Vec<Cell>>)> {
    refuse_oversize(bytes)?;
    let owned = bytes.to_vec();
    let mut sheet =
        tokio::task::spawn_blocking(move || read_first_sheet(&owned, max_rows)).await??;
    if sheet.is_empty() {
        return Err(OfficeError::Invalid("表格是空的：第 1 行应为表头".into()));
    }
    let header = sheet.remove(0);
    let positions = header
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let text = h.text();
            let key = text.split(['（', '(']).next().unwrap_or_default().trim();
            known.iter().find(|(k, _)| *k == key).map(|(k, _)| (*k, i))
        })
        .collect();
    let columns = Columns(positions);
    let missing: Vec<&str> = known
        .iter()
        .filter(|(k, required)| *required && !columns.has(k))
        .map(|(k, _)| *k)
        .collect();
    if !missing.is_empty() {
        return Err(OfficeError::Invalid(format!(
            "表头缺少 {}：请用页面上下载的模板",
            missing.join("、")
        )));
    }
    Ok((columns, sheet))
}

/// A column of a sheet we write.
#[derive(Debug, Clone)]
pub struct Column {
    pub header: &'static str,
    /// Characters wide.
    pub width: f64,
    /// Codes and ids: stored as text, so Excel keeps all 20 digits.
    pub text: bool,
    /// The values a drop-down offers (codes or Chinese names).
    pub choices: Vec<&'static str>,
}

impl Column {
    pub fn new(header: &'static str, width: f64) -> Self {
        Self {
            header,
            width,
            text: false,
            choices: Vec::new(),
        }
    }

    pub fn text(mut self) -> Self {
        self.text = true;
        self
    }

    pub fn choices(mut self, choices: Vec<&'static str>) -> Self {
        self.choices = choices;
        self
    }
}

/// A one-sheet workbook: bold headers, frozen header row, text-formatted code columns and
/// drop-downs on the first 100,000 rows, the rows, and a note line under them (who made it
/// and when, for exports).
pub fn write_sheet(
    name: &str,
    columns: &[Column],
    rows: &[Vec<String>],
    note: Option<&str>,
) -> Result<Vec<u8>> {
    let failed =
        |e: rust_xlsxwriter::XlsxError| OfficeError::Internal(format!("生成表格失败：{e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(failed)?;
    let bold = Format::new().set_bold().set_background_color("#E8EEF5");
    let text = Format::new().set_num_format("@");
    for (c, col) in columns.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| OfficeError::Internal("列数过多".into()))?;
        sheet
            .write_string_with_format(0, c, col.header, &bold)
            .map_err(failed)?;
        if col.text {
            sheet
                .set_column_width(c, col.width)
                .and_then(|s| s.set_column_format(c, &text))
                .map_err(failed)?;
        } else {
            sheet.set_column_width(c, col.width).map_err(failed)?;
        }
        if !col.choices.is_empty() {
            let list = DataValidation::new()
                .allow_list_strings(&col.choices)
                .map_err(failed)?
                .set_error_title("请从下拉列表中选择")
                .map_err(failed)?;
            sheet
                .add_data_validation(1, c, 100_000, c, &list)
                .map_err(failed)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| OfficeError::Internal("行数过多".into()))?;
        for (c, value) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| OfficeError::Internal("列数过多".into()))?;
            sheet.write_string(r, c, value).map_err(failed)?;
        }
    }
    if let Some(note) = note {
        let r =
            u32::try_from(rows.len() + 2).map_err(|_| OfficeError::Internal("行数过多".into()))?;
        sheet.write_string(r, 0, note).map_err(failed)?;
    }
    book.save_to_buffer().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_sheet_reads_back() {
        let columns = [
            Column::new("编码", 24.0).text(),
            Column::new("网络", 12.0).choices(vec!["雪亮工程", "天网工程"]),
        ];
        let rows = vec![vec![
            "51170200001320000001".to_owned(),
            "雪亮工程".to_owned(),
        ]];
        let bytes = write_sheet("台账", &columns, &rows, Some("导出人：测试")).unwrap();
        let read = read_first_sheet(&bytes, 10).unwrap();
        assert_eq!(
            read[0],
            [Cell::Text("编码".into()), Cell::Text("网络".into())]
        );
        assert_eq!(read[1][0].text(), "51170200001320000001");
        assert_eq!(read.last().unwrap()[0].text(), "导出人：测试");
    }

    #[test]
    fn what_is_not_a_spreadsheet_is_refused_with_a_reason() {
        let e = read_first_sheet(b"PK\x03\x04 not really", 10).unwrap_err();
        assert!(e.to_string().contains(".xlsx"), "{e}");
        let e = read_first_sheet(b"hello", 10).unwrap_err();
        assert!(matches!(e, OfficeError::Invalid(_)), "{e}");
    }

    #[test]
    fn too_many_rows_are_refused_before_any_work() {
        let rows: Vec<Vec<String>> = (0..20).map(|i| vec![i.to_string()]).collect();
        let bytes = write_sheet("s", &[Column::new("n", 8.0)], &rows, None).unwrap();
        assert!(matches!(
            read_first_sheet(&bytes, 5),
            Err(OfficeError::TooLarge(_))
        ));
        assert_eq!(read_first_sheet(&bytes, 20).unwrap().len(), 21);
    }

    /// A workbook written by us whose first sheet's XML is replaced by `sheet_data` (the
    /// `<sheetData>` element's content), as a hostile or careless tool could write it.
    fn with_sheet_data(sheet_data: &str) -> Vec<u8> {
        with_sheet_xml("", sheet_data)
    }

    /// A sheet whose worksheet XML holds `head` (e.g. a `<dimension>`) before its data.
    fn with_sheet_xml(head: &str, sheet_data: &str) -> Vec<u8> {
        use std::io::{Read, Write};
        let plain = write_sheet("s", &[Column::new("n", 8.0)], &[], None).unwrap();
        let mut from = zip::ZipArchive::new(Cursor::new(plain)).unwrap();
        let mut to = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..from.len() {
            let mut entry = from.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            if name == "xl/worksheets/sheet1.xml" {
                bytes = format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
                     <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
                     {head}<sheetData>{sheet_data}</sheetData></worksheet>"
                )
                .into_bytes();
            }
            to.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            to.write_all(&bytes).unwrap();
        }
        to.finish().unwrap().into_inner()
    }

    #[test]
    fn a_damaged_dimension_is_refused_not_a_crash() {
        // Found by `damaged_files_are_refused_or_read_never_crash`: an end before the start
        // overflowed the parser.
        let bytes = with_sheet_xml(
            r#"<dimension ref="B5:A1"/>"#,
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>"#,
        );
        let err = read_first_sheet(&bytes, 10).unwrap_err().to_string();
        assert!(err.contains("文件已损坏"), "{err}");
    }

    #[test]
    fn one_cell_at_the_far_corner_is_refused_without_allocating_the_rectangle() {
        // Issue 12 fault 1: such a file used to abort the process allocating 512 GiB.
        let bytes = with_sheet_data(
            r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#,
        );
        let e = read_first_sheet(&bytes, 200_000).unwrap_err();
        assert!(matches!(e, OfficeError::TooLarge(_)), "{e}");
        assert!(e.to_string().contains("200000 行"), "{e}");
    }

    #[test]
    fn a_data_cell_beyond_the_columns_is_refused_by_its_row() {
        let bytes = with_sheet_data(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>
               <row r="3"><c r="BZ3" t="inlineStr"><is><t>x</t></is></c></row>"#,
        );
        let e = read_first_sheet(&bytes, 10).unwrap_err();
        assert!(
            e.to_string().contains("第 3 行") && e.to_string().contains("64 列"),
            "{e}"
        );
    }

    #[test]
    fn empty_cells_count_against_the_budget_and_are_not_kept() {
        let empties: String = (1..=400)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}"/></row>"#))
            .collect();
        let e = read_first_sheet(&with_sheet_data(&empties), 5).unwrap_err();
        assert!(e.to_string().contains("单元格超过 384 个"), "{e}");
        // Within the budget, formatted empty cells far out leave no trace.
        let sparse = with_sheet_data(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="XFD1" s="0"/></row>
               <row r="3"><c r="B3"><v>7</v></c></row>"#,
        );
        let rows = read_first_sheet(&sparse, 5).unwrap();
        assert_eq!(
            rows,
            vec![
                vec![Cell::Text("姓名".into())],
                vec![],
                vec![Cell::Empty, Cell::Number(7.0)]
            ]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// The sheet reader over damaged files: any answer but a panic or a runaway allocation.
        #[test]
        fn damaged_files_are_refused_or_read_never_crash(
            flips in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 1..16)
        ) {
            let rows: Vec<Vec<String>> = (0..30).map(|i| vec![i.to_string(), "名".into()]).collect();
            let mut bytes = write_sheet("s", &[Column::new("a", 8.0), Column::new("b", 8.0)], &rows, None).unwrap();
            for (at, b) in flips {
                let n = bytes.len();
                if let Some(x) = bytes.get_mut(at % n) { *x = b; }
            }
            let _ = read_first_sheet(&bytes, 100);
        }

        /// Cell references anywhere on the sheet: refused or kept within the limits.
        #[test]
        fn cells_anywhere_stay_within_the_limits(
            cells in proptest::collection::vec((0u32..1_048_576, 0u32..16_384), 1..20)
        ) {
            let data: String = cells
                .iter()
                .map(|(r, c)| format!(r#"<row r="{}"><c r="{}{}"><v>1</v></c></row>"#, r + 1, column_name(*c), r + 1))
                .collect();
            if let Ok(rows) = read_first_sheet(&with_sheet_data(&data), 1000) {
                proptest::prop_assert!(rows.len() <= 1001);
                proptest::prop_assert!(rows.iter().all(|r| r.len() <= MAX_SHEET_COLUMNS as usize));
            }
        }
    }

    /// `0` → `A`, `16383` → `XFD`.
    fn column_name(mut c: u32) -> String {
        let mut name = Vec::new();
        loop {
            name.push(b'A' + (c % 26) as u8);
            if c < 26 {
                break;
            }
            c = c / 26 - 1;
        }
        name.reverse();
        String::from_utf8(name).unwrap()
    }

    #[test]
    fn whole_numbers_read_as_excel_shows_them() {
        assert_eq!(Cell::Number(107.0).text(), "107");
        assert_eq!(Cell::Number(107.5).text(), "107.5");
        assert_eq!(Cell::Text(" a ".into()).text(), "a");
    }
}
