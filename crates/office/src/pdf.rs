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
}

/// Writes the blocks as an A4 PDF.
pub fn write_pdf(title: &str, blocks: &[Block]) -> Result<Vec<u8>> {
    let font = FONT
        .clone()
        .ok_or_else(|| OfficeError::Internal("内置中文字体无法读取".into()))?;
    let mut lines: Vec<(f32, f32, Align, String)> = Vec::new();
    for block in blocks {
        match block {
            Block::Title(t) => lines.push((20.0, 36.0, Align::Centre, t.clone())),
            Block::Heading(t) => lines.push((14.0, 26.0, Align::Left, t.clone())),
            Block::Right(t) => lines.push((BODY, LINE, Align::Right, t.clone())),
            Block::Gap(n) => lines.push((BODY, LINE * n, Align::Left, String::new())),
            Block::Paragraph(t) => {
                for para in t.split('\n') {
                    for line in wrap(para, BODY, PAGE.0 - 2.0 * MARGIN_X) {
                        lines.push((BODY, LINE, Align::Left, line));
                    }
                }
            }
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
        for (size, height, align, text) in rest {
            if y + height > PAGE.1 - MARGIN_BOTTOM && used > 0 {
                break;
            }
            y += height;
            used += 1;
            if text.is_empty() {
                continue;
            }
            let width = measure(text, *size);
            let x = match align {
                Align::Left => MARGIN_X,
                Align::Centre => (PAGE.0 - width) / 2.0,
                Align::Right => PAGE.0 - MARGIN_X - width,
            };
            surface.draw_text(
                Point::from_xy(x, y),
                font.clone(),
                *size,
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
