//! Disaggregation rules: the dimensions outcome figures are broken down by, the age bands, and
//! small-cell suppression (pure; no IO).
//!
//! Suppression works on a table of counts whose rows and columns add up to totals:
//! - **primary**: any count from 1 to 10 is hidden (0 may show) — cells and totals alike;
//! - **complementary**: in every line (a row with its total, a column with its total, the totals
//!   row and the totals column) whose total is shown, a single hidden cell could be worked out by
//!   subtraction, so a second cell is hidden too: the smallest non-zero shown cell of that line; when
//!   every other cell is zero, the total is hidden instead. Hiding a cell can expose another line,
//!   so the pass repeats until nothing changes.
//! - figures derived from a hidden count (a mean, a share) are hidden with it (`derived`).
//!
//! Lines are treated as adding up even where they do not quite (people counted in more than one
//! category), which can only hide more, never less.

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

/// Counts from 1 to this are never shown.
pub const SMALL_CELL_MAX: u64 = 10;

pub fn is_small(count: u64) -> bool {
    (1..=SMALL_CELL_MAX).contains(&count)
}

text_code!(
    /// What outcome figures can be broken down by.
    Dimension {
        Race => "race",
        Ethnicity => "ethnicity",
        AgeBand => "age-band",
        Gender => "gender",
        Language => "language",
        Program => "program",
        Site => "site",
    }
);

text_code!(
    /// Age on the day of the latest measurement.
    AgeBand {
        Under18 => "under-18",
        From18To24 => "18-24",
        From25To34 => "25-34",
        From35To44 => "35-44",
        From45To54 => "45-54",
        From55To64 => "55-64",
        From65 => "65-plus",
        Unknown => "unknown",
    }
);

/// Whole years between `born` and `on` (None when born after `on`).
pub fn age_on(born: Date, on: Date) -> Option<i32> {
    (born <= on).then(|| crate::domain::person::age_on(born, on))
}

/// The age band on `on` of someone born `born` (unknown without a date of birth).
pub fn age_band(born: Option<Date>, on: Date) -> AgeBand {
    match born.and_then(|b| age_on(b, on)) {
        None => AgeBand::Unknown,
        Some(a) if a < 18 => AgeBand::Under18,
        Some(a) if a < 25 => AgeBand::From18To24,
        Some(a) if a < 35 => AgeBand::From25To34,
        Some(a) if a < 45 => AgeBand::From35To44,
        Some(a) if a < 55 => AgeBand::From45To54,
        Some(a) if a < 65 => AgeBand::From55To64,
        Some(_) => AgeBand::From65,
    }
}

/// A table of counts: `cells[row][column]`, each row summing to `row_totals[row]`, each column to
/// `column_totals[column]`, and everything to `total`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CountTable {
    pub cells: Vec<Vec<u64>>,
    pub row_totals: Vec<u64>,
    pub column_totals: Vec<u64>,
    pub total: u64,
}

impl CountTable {
    /// Totals summed from the cells.
    pub fn from_cells(cells: Vec<Vec<u64>>, columns: usize) -> CountTable {
        let row_totals: Vec<u64> = cells.iter().map(|r| r.iter().sum()).collect();
        let column_totals: Vec<u64> = (0..columns).map(|c| cells.iter().map(|r| r[c]).sum()).collect();
        let total = row_totals.iter().sum();
        CountTable { cells, row_totals, column_totals, total }
    }

    fn columns(&self) -> usize {
        self.column_totals.len()
    }

    /// Every count in one list: cells row by row, then row totals, column totals, the total.
    fn flat(&self) -> Vec<u64> {
        let mut out: Vec<u64> = self.cells.iter().flatten().copied().collect();
        out.extend(&self.row_totals);
        out.extend(&self.column_totals);
        out.push(self.total);
        out
    }

    /// Each line as (its cells' positions, its total's position) in `flat`.
    fn lines(&self) -> Vec<(Vec<usize>, usize)> {
        let (rows, cols) = (self.cells.len(), self.columns());
        let cell = |r: usize, c: usize| r * cols + c;
        let row_total = |r: usize| rows * cols + r;
        let col_total = |c: usize| rows * cols + rows + c;
        let total = rows * cols + rows + cols;
        let mut lines = Vec::new();
        for r in 0..rows {
            lines.push(((0..cols).map(|c| cell(r, c)).collect(), row_total(r)));
        }
        for c in 0..cols {
            lines.push(((0..rows).map(|r| cell(r, c)).collect(), col_total(c)));
        }
        lines.push(((0..rows).map(row_total).collect(), total));
        lines.push(((0..cols).map(col_total).collect(), total));
        lines
    }
}

/// A count table as it may be shown: `None` where hidden.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ShownTable {
    pub cells: Vec<Vec<Option<u64>>>,
    pub row_totals: Vec<Option<u64>>,
    pub column_totals: Vec<Option<u64>>,
    pub total: Option<u64>,
}

/// Which of `values` are hidden, starting from `hidden` and adding complementary cells line by
/// line until every line with a shown total has no hidden cell or at least two.
fn complete(values: &[u64], lines: &[(Vec<usize>, usize)], mut hidden: Vec<bool>) -> Vec<bool> {
    loop {
        let mut changed = false;
        for (cells, total) in lines {
            if hidden[*total] {
                continue;
            }
            let hidden_cells = cells.iter().filter(|i| hidden[**i]).count();
            if hidden_cells != 1 {
                continue;
            }
            let pick = cells.iter().filter(|i| !hidden[**i] && values[**i] > 0).min_by_key(|i| (values[**i], **i));
            match pick {
                Some(i) => hidden[*i] = true,
                None => hidden[*total] = true,
            }
            changed = true;
        }
        if !changed {
            return hidden;
        }
    }
}

/// Which counts of `table` (in `flat` order) are hidden, given some already hidden.
fn hidden_of(table: &CountTable, already: Option<&ShownTable>) -> Vec<bool> {
    let values = table.flat();
    let mut hidden: Vec<bool> = values.iter().map(|v| is_small(*v)).collect();
    if let Some(shown) = already {
        let flat_shown: Vec<Option<u64>> = shown
            .cells
            .iter()
            .flatten()
            .chain(&shown.row_totals)
            .chain(&shown.column_totals)
            .chain(std::iter::once(&shown.total))
            .copied()
            .collect();
        for (h, s) in hidden.iter_mut().zip(flat_shown) {
            *h |= s.is_none();
        }
    }
    complete(&values, &table.lines(), hidden)
}

fn shown_of(table: &CountTable, hidden: &[bool]) -> ShownTable {
    let values = table.flat();
    let show = |i: usize| if hidden[i] { None } else { Some(values[i]) };
    let (rows, cols) = (table.cells.len(), table.columns());
    ShownTable {
        cells: (0..rows).map(|r| (0..cols).map(|c| show(r * cols + c)).collect()).collect(),
        row_totals: (0..rows).map(|r| show(rows * cols + r)).collect(),
        column_totals: (0..cols).map(|c| show(rows * cols + rows + c)).collect(),
        total: show(rows * cols + rows + cols),
    }
}

/// The table with small counts and their complements hidden.
pub fn suppress(table: &CountTable) -> ShownTable {
    shown_of(table, &hidden_of(table, None))
}

/// Suppression again on a table already shown (used to prove the rule settles: it changes nothing).
pub fn resuppress(table: &CountTable, shown: &ShownTable) -> ShownTable {
    shown_of(table, &hidden_of(table, Some(shown)))
}

/// A figure worked out from a count (a mean, a share), hidden whenever the count is.
pub fn derived<T>(count: Option<u64>, figure: Option<T>) -> Option<T> {
    count.and(figure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn age_bands_follow_birthdays() {
        let on = date!(2026 - 11 - 18);
        assert_eq!(age_band(None, on), AgeBand::Unknown);
        assert_eq!(age_band(Some(date!(2008 - 11 - 19)), on), AgeBand::Under18);
        assert_eq!(age_band(Some(date!(2008 - 11 - 18)), on), AgeBand::From18To24);
        assert_eq!(age_band(Some(date!(2001 - 11 - 19)), on), AgeBand::From18To24);
        assert_eq!(age_band(Some(date!(2001 - 11 - 18)), on), AgeBand::From25To34);
        assert_eq!(age_band(Some(date!(1961 - 11 - 18)), on), AgeBand::From65);
        assert_eq!(age_band(Some(date!(1961 - 11 - 19)), on), AgeBand::From55To64);
        assert_eq!(age_band(Some(date!(2027 - 01 - 01)), on), AgeBand::Unknown);
    }

    #[test]
    fn a_lone_small_cell_takes_the_smallest_other_cell_with_it() {
        // Row 0: 5 | 20 | 30 → 5 hidden, 20 (smallest other) hidden as its complement.
        let t = CountTable::from_cells(vec![vec![5, 20, 30], vec![40, 50, 60]], 3);
        let s = suppress(&t);
        assert_eq!(s.cells[0], vec![None, None, Some(30)]);
        // Columns 0 and 1 now each have one hidden cell; their second row cells go too.
        assert_eq!(s.cells[1], vec![None, None, Some(60)]);
        assert_eq!(s.row_totals, vec![Some(55), Some(150)]);
        assert_eq!(s.total, Some(205));
    }

    #[test]
    fn zeros_show_and_a_small_cell_among_zeros_hides_the_total() {
        let t = CountTable::from_cells(vec![vec![0, 3, 0]], 3);
        let s = suppress(&t);
        assert_eq!(s.cells[0], vec![Some(0), None, Some(0)]);
        assert_eq!(s.row_totals, vec![None]);
        assert_eq!(s.total, None);
    }

    #[test]
    fn nothing_small_hides_nothing() {
        let t = CountTable::from_cells(vec![vec![0, 11], vec![12, 0]], 2);
        let s = suppress(&t);
        assert_eq!(s.cells, vec![vec![Some(0), Some(11)], vec![Some(12), Some(0)]]);
        assert_eq!(s.total, Some(23));
    }

    #[test]
    fn derived_figures_follow_their_count() {
        assert_eq!(derived(None, Some(3.5)), None);
        assert_eq!(derived(Some(12), Some(3.5)), Some(3.5));
    }

    /// Every line of `shown` as (cells, total).
    fn lines_of(s: &ShownTable) -> Vec<(Vec<Option<u64>>, Option<u64>)> {
        let cols = s.column_totals.len();
        let mut lines = Vec::new();
        for (r, row) in s.cells.iter().enumerate() {
            lines.push((row.clone(), s.row_totals[r]));
        }
        for c in 0..cols {
            lines.push((s.cells.iter().map(|r| r[c]).collect(), s.column_totals[c]));
        }
        lines.push((s.row_totals.clone(), s.total));
        lines.push((s.column_totals.clone(), s.total));
        lines
    }

    fn tables() -> impl Strategy<Value = CountTable> {
        (1usize..6, 1usize..5).prop_flat_map(|(rows, cols)| {
            proptest::collection::vec(
                proptest::collection::vec(prop_oneof![Just(0u64), 1u64..=10, 11u64..60], cols),
                rows,
            )
            .prop_map(move |cells| CountTable::from_cells(cells, cols))
        })
    }

    proptest! {
        #[test]
        fn no_shown_count_is_small(t in tables()) {
            let s = suppress(&t);
            let all = s.cells.iter().flatten().chain(&s.row_totals).chain(&s.column_totals).chain(std::iter::once(&s.total));
            for v in all.flatten() {
                prop_assert!(!is_small(*v), "{v} shown");
            }
        }

        #[test]
        fn no_hidden_cell_can_be_worked_out_from_a_shown_total(t in tables()) {
            let s = suppress(&t);
            for (cells, total) in lines_of(&s) {
                if total.is_some() {
                    let hidden = cells.iter().filter(|c| c.is_none()).count();
                    prop_assert!(hidden == 0 || hidden >= 2, "one hidden cell in {cells:?} with total {total:?}");
                }
            }
        }

        #[test]
        fn shown_counts_are_the_true_counts(t in tables()) {
            let s = suppress(&t);
            for (r, row) in s.cells.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if let Some(v) = v { prop_assert_eq!(*v, t.cells[r][c]); }
                }
            }
            if let Some(total) = s.total { prop_assert_eq!(total, t.total); }
        }

        #[test]
        fn suppressing_twice_changes_nothing(t in tables()) {
            let once = suppress(&t);
            prop_assert_eq!(resuppress(&t, &once), once);
        }
    }
}
