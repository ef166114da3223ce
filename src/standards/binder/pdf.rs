//! The binder as PDF, typeset by typst used as a library: the binder's data goes in as JSON
//! (`/binder.json`), each chart as an SVG file (`/chart-N.svg`), and the layout is the typst
//! markup in `binder.typ` beside this file. Fonts are typst's own (Libertinus Serif), compiled
//! into the binary and embedded (subset) in every PDF; nothing is read from the system or the
//! network. See docs/READINESS.md, "Why this PDF approach".

use super::Binder;
use crate::error::{AppError, AppResult};
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// The layout, in typst markup.
const TEMPLATE: &str = include_str!("binder.typ");

/// Fonts, their book and the standard library: parsed once per process.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
    Shared {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

fn file_id(path: &str) -> FileId {
    // Only fixed, valid paths are passed.
    FileId::new(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a valid virtual path")))
}

/// One binder's world: the template, its data and its charts; no other file exists.
struct BinderWorld {
    main: Source,
    data: Bytes,
    data_id: FileId,
    charts: Vec<(FileId, Bytes)>,
    today: Option<Datetime>,
}

impl World for BinderWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        self.charts.iter().find(|(c, _)| *c == id).map(|(_, b)| b.clone()).ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}

/// The house SVG charts scale to their container on a page; typst sizes them itself.
fn chart_for_typst(svg: &str) -> String {
    svg.replacen(r#" width="100%" preserveAspectRatio="xMinYMin meet""#, "", 1)
}

/// Typesets the binder; CPU-bound (run it off the async workers).
pub fn render(binder: &Binder) -> AppResult<Vec<u8>> {
    let fail = |what: &str, detail: String| AppError::Internal(anyhow::anyhow!("binder PDF: {what}: {detail}"));
    let data = serde_json::to_string(binder).map_err(|e| fail("data", e.to_string()))?;
    let charts = binder
        .standards
        .iter()
        .filter_map(|s| Some((s.chart_index?, s.chart.as_deref()?)))
        .map(|(i, svg)| (file_id(&format!("/chart-{i}.svg")), Bytes::from_string(chart_for_typst(svg))))
        .collect();
    let today = time::Date::parse(&binder.generated, time::macros::format_description!("[year]-[month]-[day]"))
        .ok()
        .and_then(|d| Datetime::from_ymd(d.year(), u8::from(d.month()), d.day()));
    let world = BinderWorld {
        main: Source::new(file_id("/binder.typ"), TEMPLATE.to_string()),
        data: Bytes::from_string(data),
        data_id: file_id("/binder.json"),
        charts,
        today,
    };
    let document: PagedDocument = typst::compile(&world).output.map_err(|errors| {
        fail("layout", errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "))
    })?;
    let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        fail("export", errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "))
    })?;
    // typst memoises layout work across calls; keep a long-running server's cache small.
    typst::comemo::evict(10);
    Ok(pdf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_house_chart_loses_only_its_page_sizing() {
        let svg = crate::outcomes::charts::bar_chart(
            "c",
            "Shares",
            &[crate::outcomes::charts::Bar { label: "CSE 1.01.a".into(), value: Some(50.0) }],
            "—",
            "%",
        );
        let out = chart_for_typst(&svg);
        assert!(!out.contains("100%\" preserveAspectRatio"));
        assert!(out.contains("viewBox=\"0 0 640"));
    }
}
