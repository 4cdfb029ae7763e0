//! 电子表格 — reading the first sheet of an uploaded .xlsx as text cells, and writing a sheet
//! with Chinese headers, drop-down lists of codes and text-formatted code columns (templates,
//! rejected-row reports, exports). Every import and export of Pingan goes through here.

use crate::{AppError, Result};
use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, Format, Workbook};
use std::io::Cursor;

/// The largest spreadsheet accepted.
pub const MAX_SHEET_BYTES: usize = 32 * 1024 * 1024;

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
}

/// The rows of the first sheet (the header row first), at most `max_rows` of them after the
/// header; a file that is not an .xlsx, or is larger, is refused with a message saying so.
pub fn read_first_sheet(bytes: &[u8], max_rows: usize) -> Result<Vec<Vec<Cell>>> {
    if bytes.len() > MAX_SHEET_BYTES {
        return Err(AppError::TooLarge(format!(
            "表格文件超过 {} MB，请分成几个文件导入",
            MAX_SHEET_BYTES / 1024 / 1024
        )));
    }
    let not_xlsx = |e: &dyn std::fmt::Display| {
        AppError::Invalid(format!(
            "无法读取表格：{e}。请上传 Excel 2007 及以上的 .xlsx 文件（.xls 请先另存为 .xlsx）"
        ))
    };
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| not_xlsx(&e))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| AppError::Invalid("表格里没有工作表".into()))?
        .map_err(|e| not_xlsx(&e))?;
    if range.height() > max_rows + 1 {
        return Err(AppError::TooLarge(format!(
            "表格有 {} 行，一次最多导入 {max_rows} 行，请分成几个文件",
            range.height() - 1
        )));
    }
    Ok(range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => Cell::Empty,
                    Data::String(s) => Cell::Text(s.clone()),
                    Data::Float(f) => Cell::Number(*f),
                    Data::Int(i) => Cell::Number(*i as f64),
                    Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
                    other => Cell::Text(other.to_string()),
                })
                .collect()
        })
        .collect())
}

/// A cell that was refused.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct RejectedCell {
    /// The row number as Excel shows it (the header is row 1).
    pub row: usize,
    pub column: String,
    pub value: String,
    pub reason: String,
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
/// missing required header is refused by name — and the rows under it.
pub fn read_import(
    bytes: &[u8],
    max_rows: usize,
    known: &[(&'static str, bool)],
) -> Result<(Columns, Vec<Vec<Cell>>)> {
    let mut sheet = read_first_sheet(bytes, max_rows)?;
    if sheet.is_empty() {
        return Err(AppError::Invalid("表格是空的：第 1 行应为表头".into()));
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
        return Err(AppError::Invalid(format!(
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
    let failed = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("生成表格失败：{e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(failed)?;
    let bold = Format::new().set_bold().set_background_color("#E8EEF5");
    let text = Format::new().set_num_format("@");
    for (c, col) in columns.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| AppError::Internal("列数过多".into()))?;
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
        let r = u32::try_from(r + 1).map_err(|_| AppError::Internal("行数过多".into()))?;
        for (c, value) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| AppError::Internal("列数过多".into()))?;
            sheet.write_string(r, c, value).map_err(failed)?;
        }
    }
    if let Some(note) = note {
        let r = u32::try_from(rows.len() + 2).map_err(|_| AppError::Internal("行数过多".into()))?;
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
        assert!(matches!(e, AppError::Invalid(_)), "{e}");
    }

    #[test]
    fn too_many_rows_are_refused_before_any_work() {
        let rows: Vec<Vec<String>> = (0..20).map(|i| vec![i.to_string()]).collect();
        let bytes = write_sheet("s", &[Column::new("n", 8.0)], &rows, None).unwrap();
        assert!(matches!(
            read_first_sheet(&bytes, 5),
            Err(AppError::TooLarge(_))
        ));
        assert_eq!(read_first_sheet(&bytes, 20).unwrap().len(), 21);
    }

    #[test]
    fn whole_numbers_read_as_excel_shows_them() {
        assert_eq!(Cell::Number(107.0).text(), "107");
        assert_eq!(Cell::Number(107.5).text(), "107.5");
        assert_eq!(Cell::Text(" a ".into()).text(), "a");
    }
}
