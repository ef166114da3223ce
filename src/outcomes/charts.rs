//! Server-side SVG charts for the outcome pages: lines (outputs over time, a person's trajectory),
//! horizontal bars (disaggregations) and paired histograms (intake against latest). Each chart is a
//! self-contained `<svg>` with a `<title>` (and `role="img"`), drawn in print-safe colours and
//! patterns so it prints in black and white; the page puts the same figures in a table beside it.
//! Text is escaped here; the output is safe to embed as it is.

use std::fmt::Write;

const WIDTH: f64 = 640.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const INK: &str = "#0b0c0c";
const GRID: &str = "#b1b4b6";
/// Series colours (GOV.UK palette), each with its own dash so lines tell apart without colour.
const COLOURS: &[&str] = &["#1d70b8", "#d4351c", "#00703c", "#912b88", "#f47738", "#505a5f"];
const DASHES: &[&str] = &["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"];

/// Escapes text for SVG content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

fn open(out: &mut String, id: &str, title: &str, height: f64) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{id}-title" viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet"><title id="{id}-title">{}</title>"#,
        escape(title)
    );
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, content: &str) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" font-size="11" text-anchor="{anchor}" fill="{INK}">{}</text>"#,
        escape(content)
    );
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 { format!("{}", v.round() as i64) } else { format!("{v:.1}") }
}

/// One line on a line chart: its label and its points (x in the chart's x units, y in score units).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// A line chart. `x_labels` are drawn at their x positions; `reference` is a horizontal line (a
/// cut-off) and `band` a shaded horizontal band (a meaningful-change band), each with its label.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineChart {
    pub id: String,
    pub title: String,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub x_labels: Vec<(f64, String)>,
    pub series: Vec<Series>,
    pub reference: Option<(f64, String)>,
    pub band: Option<(f64, f64, String)>,
}

pub fn line_chart(chart: &LineChart) -> String {
    let height = 260.0;
    let bottom = 56.0 + 16.0 * chart.series.len().max(1) as f64;
    let total_height = height + bottom - 40.0;
    let plot_h = height - TOP - 40.0;
    let plot_w = WIDTH - LEFT - RIGHT;
    let (x0, x1) = chart.x_range;
    let (y0, y1) = chart.y_range;
    let xs = |x: f64| LEFT + if x1 > x0 { (x - x0) / (x1 - x0) * plot_w } else { plot_w / 2.0 };
    let ys = |y: f64| TOP + plot_h - if y1 > y0 { (y.clamp(y0, y1) - y0) / (y1 - y0) * plot_h } else { 0.0 };
    let mut out = String::new();
    open(&mut out, &chart.id, &chart.title, total_height);
    if let Some((lo, hi, label)) = &chart.band {
        let (top, bottom_y) = (ys(lo.max(*hi)), ys(lo.min(*hi)));
        let _ = write!(
            out,
            r##"<rect x="{LEFT}" y="{top:.1}" width="{plot_w}" height="{:.1}" fill="#f3f2f1" stroke="{GRID}" stroke-dasharray="2 2"><title>{}</title></rect>"##,
            (bottom_y - top).max(0.0),
            escape(label)
        );
    }
    for i in 0..=4 {
        let v = y0 + (y1 - y0) * f64::from(i) / 4.0;
        let y = ys(v);
        let _ = write!(
            out,
            r#"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{GRID}" stroke-width="0.5"/>"#,
            LEFT + plot_w
        );
        text(&mut out, LEFT - 6.0, y + 4.0, "end", &fmt_num(v));
    }
    if let Some((v, label)) = &chart.reference {
        let y = ys(*v);
        let _ = write!(
            out,
            r#"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>"#,
            LEFT + plot_w
        );
        text(&mut out, LEFT + plot_w, y - 4.0, "end", label);
    }
    let axis_y = TOP + plot_h;
    let _ = write!(
        out,
        r#"<line x1="{LEFT}" y1="{axis_y:.1}" x2="{:.1}" y2="{axis_y:.1}" stroke="{INK}"/>"#,
        LEFT + plot_w
    );
    for (x, label) in &chart.x_labels {
        text(&mut out, xs(*x), axis_y + 16.0, "middle", label);
    }
    for (i, s) in chart.series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let dash = DASHES[i % DASHES.len()];
        let points: Vec<String> = s.points.iter().map(|(x, y)| format!("{:.1},{:.1}", xs(*x), ys(*y))).collect();
        if points.len() > 1 {
            let _ = write!(
                out,
                r#"<polyline fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}" points="{}"/>"#,
                points.join(" ")
            );
        }
        for (x, y) in &s.points {
            let _ = write!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{colour}"><title>{}: {}</title></circle>"#,
                xs(*x),
                ys(*y),
                escape(&s.label),
                fmt_num(*y)
            );
        }
        let ly = height - 8.0 + 16.0 * i as f64;
        let _ = write!(
            out,
            r#"<line x1="{LEFT}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
            LEFT + 24.0
        );
        text(&mut out, LEFT + 30.0, ly + 4.0, "start", &s.label);
    }
    out.push_str("</svg>");
    out
}

/// One bar on a bar chart: its label and value (None when the figure is suppressed).
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
}

/// Horizontal bars from zero (or from the smallest negative value); `suppressed` is written where a
/// value is hidden; `unit` follows each value ("%", " points"…).
pub fn bar_chart(id: &str, title: &str, bars: &[Bar], suppressed: &str, unit: &str) -> String {
    let row = 26.0;
    let label_w = 180.0;
    let height = TOP * 2.0 + row * bars.len().max(1) as f64;
    let values: Vec<f64> = bars.iter().filter_map(|b| b.value).collect();
    let lo = values.iter().copied().fold(0.0f64, f64::min);
    let hi = values.iter().copied().fold(0.0f64, f64::max);
    let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let plot_w = WIDTH - label_w - 80.0;
    let xs = |v: f64| label_w + (v - lo) / span * plot_w;
    let mut out = String::new();
    open(&mut out, id, title, height);
    let zero = xs(0.0);
    let _ = write!(out, r#"<line x1="{zero:.1}" y1="{TOP}" x2="{zero:.1}" y2="{:.1}" stroke="{INK}"/>"#, height - TOP);
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + row * i as f64;
        text(&mut out, label_w - 8.0, y + row / 2.0 + 4.0, "end", &bar.label);
        match bar.value {
            Some(v) => {
                let (a, b) = (xs(v.min(0.0)), xs(v.max(0.0)));
                let _ = write!(
                    out,
                    r#"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{}: {}{}</title></rect>"#,
                    y + 4.0,
                    (b - a).max(1.0),
                    row - 8.0,
                    COLOURS[0],
                    escape(&bar.label),
                    fmt_num(v),
                    escape(unit)
                );
                text(&mut out, b + 6.0, y + row / 2.0 + 4.0, "start", &format!("{}{unit}", fmt_num(v)));
            }
            None => text(&mut out, zero + 6.0, y + row / 2.0 + 4.0, "start", suppressed),
        }
    }
    out.push_str("</svg>");
    out
}

/// Two distributions over the same bins, drawn side by side in each bin: (label, count per bin).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    pub id: String,
    pub title: String,
    /// Each bin's lower and upper edge in score units (the upper edge of the last bin is included).
    pub bins: Vec<(f64, f64)>,
    pub groups: Vec<(String, Vec<u64>)>,
    /// A vertical line at a score (the cut-off), with its label.
    pub marker: Option<(f64, String)>,
}

pub fn histogram(h: &Histogram) -> String {
    let height = 240.0;
    let legend = 18.0 * h.groups.len() as f64;
    let plot_h = height - TOP - 36.0;
    let plot_w = WIDTH - LEFT - RIGHT;
    let lo = h.bins.first().map(|b| b.0).unwrap_or(0.0);
    let hi = h.bins.last().map(|b| b.1).unwrap_or(1.0);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let xs = |v: f64| LEFT + (v - lo) / span * plot_w;
    let max = h.groups.iter().flat_map(|(_, c)| c.iter().copied()).max().unwrap_or(0).max(1) as f64;
    let ys = |n: f64| TOP + plot_h - n / max * plot_h;
    let mut out = String::new();
    open(&mut out, &h.id, &h.title, height + legend);
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        let y = ys(v);
        let _ = write!(
            out,
            r#"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{GRID}" stroke-width="0.5"/>"#,
            LEFT + plot_w
        );
        text(&mut out, LEFT - 6.0, y + 4.0, "end", &format!("{:.0}", v));
    }
    let groups = h.groups.len().max(1) as f64;
    for (b, (from, to)) in h.bins.iter().enumerate() {
        let (x0, x1) = (xs(*from), xs(*to));
        let w = (x1 - x0 - 2.0).max(1.0) / groups;
        for (g, (label, counts)) in h.groups.iter().enumerate() {
            let n = counts.get(b).copied().unwrap_or(0);
            let y = ys(n as f64);
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{}" stroke="{INK}" stroke-width="0.5"><title>{}, {}–{}: {n}</title></rect>"#,
                x0 + 1.0 + w * g as f64,
                TOP + plot_h - y,
                if g == 0 { "#b1b4b6" } else { COLOURS[0] },
                escape(label),
                fmt_num(*from),
                fmt_num(*to),
            );
        }
        if b == 0 || b + 1 == h.bins.len() || b % 2 == 0 {
            text(&mut out, x0, TOP + plot_h + 14.0, "middle", &fmt_num(*from));
        }
    }
    text(&mut out, xs(hi), TOP + plot_h + 14.0, "middle", &fmt_num(hi));
    let axis_y = TOP + plot_h;
    let _ = write!(
        out,
        r#"<line x1="{LEFT}" y1="{axis_y:.1}" x2="{:.1}" y2="{axis_y:.1}" stroke="{INK}"/>"#,
        LEFT + plot_w
    );
    if let Some((v, label)) = &h.marker {
        let x = xs(*v);
        let _ = write!(
            out,
            r#"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{axis_y:.1}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>"#
        );
        text(&mut out, x + 4.0, TOP + 10.0, "start", label);
    }
    for (g, (label, _)) in h.groups.iter().enumerate() {
        let y = height + 18.0 * g as f64 - 8.0;
        let _ = write!(
            out,
            r#"<rect x="{LEFT}" y="{:.1}" width="14" height="14" fill="{}" stroke="{INK}" stroke-width="0.5"/>"#,
            y - 11.0,
            if g == 0 { "#b1b4b6" } else { COLOURS[0] }
        );
        text(&mut out, LEFT + 20.0, y, "start", label);
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small check that the SVG is well formed: every opened element is closed in order.
    pub(crate) fn well_formed(svg: &str) -> bool {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let Some(end) = rest[start..].find('>') else { return false };
            let tag = &rest[start + 1..start + end];
            rest = &rest[start + end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop().as_deref() != Some(name.trim()) {
                    return false;
                }
            } else if !tag.ends_with('/') {
                stack.push(tag.split_whitespace().next().unwrap_or("").to_string());
            }
        }
        stack.is_empty() && svg.starts_with("<svg")
    }

    #[test]
    fn a_trajectory_draws_points_cut_off_and_band() {
        let svg = line_chart(&LineChart {
            id: "t".into(),
            title: "BARC-10 <over time>".into(),
            x_range: (0.0, 180.0),
            y_range: (10.0, 60.0),
            x_labels: vec![(0.0, "Jan".into()), (180.0, "Jul".into())],
            series: vec![Series { label: "Score".into(), points: vec![(0.0, 30.0), (90.0, 40.0), (180.0, 48.0)] }],
            reference: Some((47.0, "Cut-off 47".into())),
            band: Some((20.0, 40.0, "Within 10 points".into())),
        });
        assert!(well_formed(&svg), "{svg}");
        assert!(svg.contains("BARC-10 &lt;over time&gt;"));
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("Cut-off 47"));
    }

    #[test]
    fn bars_write_the_suppressed_word_for_hidden_values() {
        let bars = [Bar { label: "A & B".into(), value: Some(42.0) }, Bar { label: "C".into(), value: None }];
        let svg = bar_chart("b", "Share", &bars, "suppressed", "%");
        assert!(well_formed(&svg), "{svg}");
        assert!(svg.contains("A &amp; B"));
        assert!(svg.contains(">suppressed<"));
        assert_eq!(svg.matches("<rect").count(), 1);
    }

    #[test]
    fn histogram_draws_each_group_in_each_bin_and_the_marker() {
        let svg = histogram(&Histogram {
            id: "h".into(),
            title: "WHO-5".into(),
            bins: vec![(0.0, 20.0), (20.0, 40.0), (40.0, 60.0)],
            groups: vec![("Intake".into(), vec![1, 2, 3]), ("Latest".into(), vec![0, 1, 5])],
            marker: Some((50.0, "50".into())),
        });
        assert!(well_formed(&svg), "{svg}");
        assert_eq!(svg.matches("<rect").count(), 6 + 2);
    }
}
