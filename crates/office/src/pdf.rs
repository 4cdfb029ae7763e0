//! PDF documents: A4 pages of Chinese text set in Noto Sans SC (思源黑体, SIL Open Font License
//! 1.1, `fonts/OFL-NotoSansHans.txt`), embedded as a subset of the glyphs used, with a Unicode
//! map so that the text can be searched, copied and extracted. Lines wrap at the margin; a page
//! full of text continues on the next.

use crate::{OfficeError, Result};
use krilla::Document;
use krilla::geom::Point;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use std::sync::{Arc, LazyLock};

/// The font, from `@embedpdf/fonts-sc` on npm (Noto Sans Hans Regular, GB 2312 coverage).
static FONT_BYTES: &[u8] = include_bytes!("../fonts/NotoSansHans-Regular.otf");

static FONT: LazyLock<Option<Font>> =
    LazyLock::new(|| Font::new(Arc::new(FONT_BYTES.to_vec()).into(), 0));

/// A4 in points.
const PAGE: (f32, f32) = (595.28, 841.89);
const MARGIN_X: f32 = 64.0;
const MARGIN_TOP: f32 = 72.0;
const MARGIN_BOTTOM: f32 = 72.0;
const BODY: f32 = 12.0;
const LINE: f32 = 21.0;

/// One piece of a document, top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Centred, large.
    Title(String),
    /// Bold-sized, left.
    Heading(String),
    /// Wrapped at the margin; each `\n` starts a new line.
    Paragraph(String),
    /// Right-aligned (a date, a signature line).
    Right(String),
    /// Empty space, in lines.
    Gap(f32),
    /// A bar chart (柱状图) kept on one page: each row's label, this period's bar and the compared
    /// period's under it, each with its figure.
    Bars(BarChart),
}

/// The rows of a [`Block::Bars`] and what the two bars are.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// A heading drawn with the chart, so that the two never part at a page's end.
    pub title: String,
    /// What the first and the second bar of each row show (本月, 上年同月).
    pub legend: (String, String),
    /// Label, first figure, second figure.
    pub rows: Vec<(String, f64, f64)>,
}

/// One laid-out piece: a line of text or a chart, with the height it takes.
enum Item<'a> {
    Text(f32, f32, Align, String),
    Chart(&'a BarChart),
}

const BAR_ROW: f32 = 18.0;
const CHART_TITLE: f32 = 30.0;
const BAR_LABEL: f32 = 96.0;

impl Item<'_> {
    fn height(&self) -> f32 {
        match self {
            Item::Text(_, h, ..) => *h,
            Item::Chart(c) => CHART_TITLE + BAR_ROW * (c.rows.len() as f32 + 1.5),
        }
    }
}

/// Writes the blocks as an A4 PDF.
pub fn write_pdf(title: &str, blocks: &[Block]) -> Result<Vec<u8>> {
    let font = FONT
        .clone()
        .ok_or_else(|| OfficeError::Internal("内置中文字体无法读取".into()))?;
    let mut lines: Vec<Item> = Vec::new();
    for block in blocks {
        match block {
            Block::Title(t) => lines.push(Item::Text(20.0, 36.0, Align::Centre, t.clone())),
            Block::Heading(t) => lines.push(Item::Text(14.0, 26.0, Align::Left, t.clone())),
            Block::Right(t) => lines.push(Item::Text(BODY, LINE, Align::Right, t.clone())),
            Block::Gap(n) => lines.push(Item::Text(BODY, LINE * n, Align::Left, String::new())),
            Block::Paragraph(t) => {
                for para in t.split('\n') {
                    for line in wrap(para, BODY, PAGE.0 - 2.0 * MARGIN_X) {
                        lines.push(Item::Text(BODY, LINE, Align::Left, line));
                    }
                }
            }
            Block::Bars(chart) => lines.push(Item::Chart(chart)),
        }
    }
    let mut document = Document::new();
    let settings = || {
        PageSettings::from_wh(PAGE.0, PAGE.1)
            .ok_or_else(|| OfficeError::Internal("页面尺寸无效".into()))
    };
    let mut rest = lines.as_slice();
    while !rest.is_empty() {
        let mut page = document.start_page_with(settings()?);
        let mut surface = page.surface();
        let mut y = MARGIN_TOP;
        let mut used = 0;
        for item in rest {
            let height = item.height();
            if y + height > PAGE.1 - MARGIN_BOTTOM && used > 0 {
                break;
            }
            used += 1;
            let (size, align, text) = match item {
                Item::Chart(chart) => {
                    draw_bars(&mut surface, &font, chart, y);
                    y += height;
                    continue;
                }
                Item::Text(size, _, align, text) => (*size, *align, text),
            };
            y += height;
            if text.is_empty() {
                continue;
            }
            let width = measure(text, size);
            let x = match align {
                Align::Left => MARGIN_X,
                Align::Centre => (PAGE.0 - width) / 2.0,
                Align::Right => PAGE.0 - MARGIN_X - width,
            };
            surface.draw_text(
                Point::from_xy(x, y),
                font.clone(),
                size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        surface.finish();
        page.finish();
        rest = rest.get(used..).unwrap_or_default();
    }
    let mut metadata = krilla::metadata::Metadata::new();
    metadata = metadata
        .title(title.to_owned())
        .creator("平安 Pingan".to_owned());
    document.set_metadata(metadata);
    document
        .finish()
        .map_err(|e| OfficeError::Internal(format!("生成 PDF 失败：{e:?}")))
}

/// Draws a bar chart from `top`: a legend line, then a row per label with its two bars scaled
/// to the largest figure, each figure written at its bar's end.
fn draw_bars(surface: &mut krilla::surface::Surface, font: &Font, chart: &BarChart, top: f32) {
    const SMALL: f32 = 9.0;
    let colours = [
        krilla::color::rgb::Color::new(31, 95, 168),
        krilla::color::rgb::Color::new(170, 178, 189),
    ];
    let left = MARGIN_X + BAR_LABEL;
    let room = PAGE.0 - MARGIN_X - left - 40.0;
    let max = chart
        .rows
        .iter()
        .flat_map(|r| [r.1, r.2])
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let figure = |v: f64| {
        if v.fract() == 0.0 {
            format!("{}", v as i64)
        } else {
            format!("{v:.1}")
        }
    };
    surface.draw_text(
        Point::from_xy(MARGIN_X, top + 22.0),
        font.clone(),
        14.0,
        &chart.title,
        false,
        TextDirection::Auto,
    );
    let top = top + CHART_TITLE;
    let mut text = |x: f32, y: f32, s: &str| {
        surface.draw_text(
            Point::from_xy(x, y),
            font.clone(),
            SMALL,
            s,
            false,
            TextDirection::Auto,
        );
    };
    let legend = format!("■ {}    □ {}", chart.legend.0, chart.legend.1);
    text(left, top + 12.0, &legend);
    let mut boxes: Vec<(usize, f32, f32, f32)> = Vec::new();
    for (i, (label, a, b)) in chart.rows.iter().enumerate() {
        let y = top + BAR_ROW * (i as f32 + 1.5);
        text(MARGIN_X, y + 5.0, label);
        for (k, v) in [(0, *a), (1, *b)] {
            let w = (v / max) as f32 * room;
            let by = y - 4.0 + 6.0 * k as f32;
            boxes.push((k, by, w.max(0.5), 5.0));
            text(left + w + 4.0, by + 5.0, &figure(v));
        }
    }
    for (k, colour) in colours.iter().enumerate() {
        let mut path = krilla::geom::PathBuilder::new();
        for (_, y, w, h) in boxes.iter().filter(|b| b.0 == k) {
            if let Some(rect) = krilla::geom::Rect::from_xywh(left, *y, *w, *h) {
                path.push_rect(rect);
            }
        }
        if let Some(path) = path.finish() {
            surface.set_fill(Some(krilla::paint::Fill {
                paint: (*colour).into(),
                ..Default::default()
            }));
            surface.draw_path(&path);
        }
    }
    surface.set_fill(Some(krilla::paint::Fill::default()));
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Align {
    Left,
    Centre,
    Right,
}

/// The width of a character at `size`: Chinese characters and full-width forms a whole em,
/// others about half (the font's Latin is proportional; half an em errs on the wide side).
fn advance(c: char, size: f32) -> f32 {
    if c.is_ascii() { size * 0.55 } else { size }
}

fn measure(text: &str, size: f32) -> f32 {
    text.chars().map(|c| advance(c, size)).sum()
}

/// Breaks `text` into lines no wider than `width`, keeping 、，。；：）》” off the start of a line
/// (禁则) by letting them overhang the margin.
fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
    const NO_START: &str = "、，。；：！？）》”’%";
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = advance(c, size);
        if used + w > width && !line.is_empty() && !NO_START.contains(c) {
            lines.push(std::mem::take(&mut line));
            used = 0.0;
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wrap_at_the_margin_and_punctuation_never_starts_one() {
        let text = "甲".repeat(38) + "，乙";
        let lines = wrap(&text, 12.0, 467.0);
        assert_eq!(lines.len(), 2);
        assert!(lines[0].ends_with('，'), "{lines:?}");
        assert_eq!(lines[1], "乙");
        assert_eq!(wrap("", 12.0, 467.0), vec![String::new()]);
    }

    #[test]
    fn a_document_embeds_only_the_glyphs_it_uses() {
        let long = (0..80)
            .map(|i| format!("第{i}条"))
            .collect::<Vec<_>>()
            .join("\n");
        let pdf = write_pdf(
            "测试",
            &[
                Block::Title("人民调解协议书".into()),
                Block::Paragraph(long),
            ],
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // Subset: far smaller than the 8 MB font.
        assert!(pdf.len() < 400_000, "{} bytes", pdf.len());
    }
}
