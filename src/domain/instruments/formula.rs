//! The small, safe expression language of organisation-defined score formulas: numbers, item
//! references, `+ - * /` (also `×` and `÷`), parentheses, and the functions `sum`, `mean`, `min`,
//! `max` and `count`. Nothing else parses, so a formula can never run code, read data or loop.
//!
//! Hand-written rather than a general expression crate: the grammar is a dozen lines, every error
//! can name its position (1-based character) and the offending item, and item keys never collide
//! with a crate's own identifiers, variables or assignment operators.

use std::collections::BTreeMap;

/// Longest formula accepted, in characters.
pub const MAX_LEN: usize = 500;
/// Deepest nesting of parentheses and calls accepted.
const MAX_DEPTH: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Sum,
    Mean,
    Min,
    Max,
    Count,
}

impl Func {
    fn parse(name: &str) -> Option<Func> {
        match name {
            "sum" => Some(Func::Sum),
            "mean" => Some(Func::Mean),
            "min" => Some(Func::Min),
            "max" => Some(Func::Max),
            "count" => Some(Func::Count),
            _ => None,
        }
    }
}

/// A parsed formula.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Number(f64),
    /// An item reference and where it starts (1-based character).
    Item(String, usize),
    Neg(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

/// Why a formula was refused: a message id (`instruments-formula-…`), the 1-based character where the
/// problem is, and the text involved (an unknown item or function name, an unexpected character).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormulaError {
    pub message_id: &'static str,
    pub position: usize,
    pub found: String,
}

impl FormulaError {
    fn new(message_id: &'static str, position: usize, found: impl Into<String>) -> Self {
        FormulaError { message_id, position, found: found.into() }
    }
}

/// Why a formula could not produce a score from a set of answers.
#[derive(Clone, Debug, PartialEq)]
pub enum EvalError {
    /// The item has no answer and the formula does arithmetic with it (functions skip it instead).
    Missing(String),
    DivisionByZero,
    /// A function had no answered argument to work on (mean, min or max of nothing).
    NothingAnswered,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Op(Op),
    Open,
    Close,
    Comma,
}

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, FormulaError> {
    let chars: Vec<char> = src.chars().collect();
    if chars.len() > MAX_LEN {
        return Err(FormulaError::new("instruments-formula-too-long", MAX_LEN + 1, ""));
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        match c {
            c if c.is_whitespace() => i += 1,
            '0'..='9' | '.' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                match text.parse::<f64>() {
                    Ok(n) if n.is_finite() => out.push((Tok::Num(n), pos)),
                    _ => return Err(FormulaError::new("instruments-formula-bad-number", pos, text)),
                }
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((Tok::Ident(chars[start..i].iter().collect()), pos));
            }
            '+' => {
                out.push((Tok::Op(Op::Add), pos));
                i += 1;
            }
            '-' | '−' => {
                out.push((Tok::Op(Op::Sub), pos));
                i += 1;
            }
            '*' | '×' => {
                out.push((Tok::Op(Op::Mul), pos));
                i += 1;
            }
            '/' | '÷' => {
                out.push((Tok::Op(Op::Div), pos));
                i += 1;
            }
            '(' => {
                out.push((Tok::Open, pos));
                i += 1;
            }
            ')' => {
                out.push((Tok::Close, pos));
                i += 1;
            }
            ',' => {
                out.push((Tok::Comma, pos));
                i += 1;
            }
            other => return Err(FormulaError::new("instruments-formula-unexpected-character", pos, other.to_string())),
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    at: usize,
    end: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(t, _)| t)
    }

    fn pos(&self) -> usize {
        self.toks.get(self.at).map(|(_, p)| *p).unwrap_or(self.end)
    }

    fn found(&self) -> String {
        match self.peek() {
            None => String::new(),
            Some(Tok::Num(n)) => n.to_string(),
            Some(Tok::Ident(s)) => s.clone(),
            Some(Tok::Op(op)) => match op {
                Op::Add => "+".into(),
                Op::Sub => "-".into(),
                Op::Mul => "*".into(),
                Op::Div => "/".into(),
            },
            Some(Tok::Open) => "(".into(),
            Some(Tok::Close) => ")".into(),
            Some(Tok::Comma) => ",".into(),
        }
    }

    fn unexpected(&self) -> FormulaError {
        if self.peek().is_none() {
            FormulaError::new("instruments-formula-unexpected-end", self.end, "")
        } else {
            FormulaError::new("instruments-formula-unexpected", self.pos(), self.found())
        }
    }

    fn expr(&mut self) -> Result<Expr, FormulaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FormulaError::new("instruments-formula-too-deep", self.pos(), ""));
        }
        let mut left = self.term()?;
        while let Some(Tok::Op(op @ (Op::Add | Op::Sub))) = self.peek().cloned() {
            self.at += 1;
            let right = self.term()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn term(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.unary()?;
        while let Some(Tok::Op(op @ (Op::Mul | Op::Div))) = self.peek().cloned() {
            self.at += 1;
            let right = self.unary()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FormulaError> {
        if let Some(Tok::Op(Op::Sub)) = self.peek() {
            self.at += 1;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(FormulaError::new("instruments-formula-too-deep", self.pos(), ""));
            }
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Neg(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, FormulaError> {
        let pos = self.pos();
        match self.peek().cloned() {
            Some(Tok::Num(n)) => {
                self.at += 1;
                Ok(Expr::Number(n))
            }
            Some(Tok::Open) => {
                self.at += 1;
                let inner = self.expr()?;
                self.close(pos)?;
                Ok(inner)
            }
            Some(Tok::Ident(name)) => {
                self.at += 1;
                if self.peek() == Some(&Tok::Open) {
                    let Some(func) = Func::parse(&name) else {
                        return Err(FormulaError::new("instruments-formula-unknown-function", pos, name));
                    };
                    self.at += 1;
                    let mut args = vec![self.expr()?];
                    while self.peek() == Some(&Tok::Comma) {
                        self.at += 1;
                        args.push(self.expr()?);
                    }
                    self.close(pos)?;
                    Ok(Expr::Call(func, args))
                } else {
                    Ok(Expr::Item(name, pos))
                }
            }
            _ => Err(self.unexpected()),
        }
    }

    fn close(&mut self, open_pos: usize) -> Result<(), FormulaError> {
        match self.peek() {
            Some(Tok::Close) => {
                self.at += 1;
                Ok(())
            }
            None => Err(FormulaError::new("instruments-formula-unclosed", open_pos, "(")),
            Some(_) => Err(self.unexpected()),
        }
    }
}

/// Parses a formula, refusing anything outside the small language with the position of the problem.
pub fn parse(src: &str) -> Result<Expr, FormulaError> {
    let toks = lex(src)?;
    if toks.is_empty() {
        return Err(FormulaError::new("instruments-formula-empty", 1, ""));
    }
    let end = src.chars().count() + 1;
    let mut parser = Parser { toks, at: 0, end, depth: 0 };
    let expr = parser.expr()?;
    if parser.peek().is_some() {
        return Err(parser.unexpected());
    }
    Ok(expr)
}

/// Item references in order of appearance (with their positions).
pub fn items(expr: &Expr) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    collect(expr, &mut out);
    out
}

fn collect<'a>(expr: &'a Expr, out: &mut Vec<(&'a str, usize)>) {
    match expr {
        Expr::Number(_) => {}
        Expr::Item(name, pos) => out.push((name, *pos)),
        Expr::Neg(inner) => collect(inner, out),
        Expr::Binary(_, a, b) => {
            collect(a, out);
            collect(b, out);
        }
        Expr::Call(_, args) => args.iter().for_each(|a| collect(a, out)),
    }
}

/// Parses and checks that every item referenced exists: the first unknown one is refused by name.
pub fn check(src: &str, known: impl Fn(&str) -> bool) -> Result<Expr, FormulaError> {
    let expr = parse(src)?;
    if let Some((name, pos)) = items(&expr).into_iter().find(|(name, _)| !known(name)) {
        return Err(FormulaError::new("instruments-formula-unknown-item", pos, name));
    }
    Ok(expr)
}

/// Item values for evaluation: None for an unanswered item.
pub type Values = BTreeMap<String, Option<f64>>;

/// Evaluates a parsed formula. Functions skip unanswered items (`count` counts the answered ones);
/// arithmetic on an unanswered item is refused naming it.
pub fn eval(expr: &Expr, values: &Values) -> Result<f64, EvalError> {
    match value(expr, values)? {
        Some(v) => Ok(v),
        None => Err(EvalError::Missing(first_missing(expr, values).unwrap_or_default())),
    }
}

fn first_missing(expr: &Expr, values: &Values) -> Option<String> {
    items(expr).into_iter().find(|(name, _)| values.get(*name).copied().flatten().is_none()).map(|(n, _)| n.to_string())
}

fn value(expr: &Expr, values: &Values) -> Result<Option<f64>, EvalError> {
    let need =
        |v: Option<f64>, e: &Expr| v.ok_or_else(|| EvalError::Missing(first_missing(e, values).unwrap_or_default()));
    Ok(Some(match expr {
        Expr::Number(n) => *n,
        Expr::Item(name, _) => return Ok(values.get(name).copied().flatten()),
        Expr::Neg(inner) => -need(value(inner, values)?, inner)?,
        Expr::Binary(op, a, b) => {
            let x = need(value(a, values)?, a)?;
            let y = need(value(b, values)?, b)?;
            match op {
                Op::Add => x + y,
                Op::Sub => x - y,
                Op::Mul => x * y,
                Op::Div => {
                    if y == 0.0 {
                        return Err(EvalError::DivisionByZero);
                    }
                    x / y
                }
            }
        }
        Expr::Call(func, args) => {
            let mut answered = Vec::with_capacity(args.len());
            for arg in args {
                if let Some(v) = value(arg, values)? {
                    answered.push(v);
                }
            }
            match func {
                Func::Count => answered.len() as f64,
                Func::Sum => answered.iter().sum(),
                _ if answered.is_empty() => return Err(EvalError::NothingAnswered),
                Func::Mean => answered.iter().sum::<f64>() / answered.len() as f64,
                Func::Min => answered.iter().copied().fold(f64::INFINITY, f64::min),
                Func::Max => answered.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(pairs: &[(&str, Option<f64>)]) -> Values {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    fn run(src: &str, values: &Values) -> Result<f64, EvalError> {
        eval(&parse(src).unwrap(), values)
    }

    #[test]
    fn arithmetic_follows_the_usual_precedence() {
        let v = vals(&[("a", Some(2.0)), ("b", Some(3.0)), ("c", Some(4.0))]);
        assert_eq!(run("a + b * c", &v), Ok(14.0));
        assert_eq!(run("(a + b) * c", &v), Ok(20.0));
        assert_eq!(run("a - b - c", &v), Ok(-5.0));
        assert_eq!(run("c / a / a", &v), Ok(1.0));
        assert_eq!(run("-a + -(b)", &v), Ok(-5.0));
        assert_eq!(run("(a + b) × 4 ÷ 2", &v), Ok(10.0));
        assert_eq!(run("2.5 * 2", &v), Ok(5.0));
    }

    #[test]
    fn functions_skip_unanswered_items() {
        let v = vals(&[("a", Some(2.0)), ("b", None), ("c", Some(4.0))]);
        assert_eq!(run("sum(a, b, c)", &v), Ok(6.0));
        assert_eq!(run("mean(a, b, c)", &v), Ok(3.0));
        assert_eq!(run("min(a, b, c)", &v), Ok(2.0));
        assert_eq!(run("max(a, b, c) * 2", &v), Ok(8.0));
        assert_eq!(run("count(a, b, c)", &v), Ok(2.0));
        assert_eq!(run("mean(b)", &v), Err(EvalError::NothingAnswered));
        assert_eq!(run("a + b", &v), Err(EvalError::Missing("b".into())));
    }

    #[test]
    fn division_by_zero_is_an_error_not_infinity() {
        let v = vals(&[("a", Some(1.0)), ("z", Some(0.0))]);
        assert_eq!(run("a / z", &v), Err(EvalError::DivisionByZero));
        assert_eq!(run("a / (z - z)", &v), Err(EvalError::DivisionByZero));
        assert_eq!(run("a / 0", &v), Err(EvalError::DivisionByZero));
    }

    #[test]
    fn refused_constructs_say_where() {
        let cases: &[(&str, &str, usize, &str)] = &[
            ("a ^ 2", "instruments-formula-unexpected-character", 3, "^"),
            ("a % 2", "instruments-formula-unexpected-character", 3, "%"),
            ("a = 2", "instruments-formula-unexpected-character", 3, "="),
            ("a; b", "instruments-formula-unexpected-character", 2, ";"),
            ("\"text\"", "instruments-formula-unexpected-character", 1, "\""),
            ("a == b", "instruments-formula-unexpected-character", 3, "="),
            ("a && b", "instruments-formula-unexpected-character", 3, "&"),
            ("a[0]", "instruments-formula-unexpected-character", 2, "["),
            ("exec(a)", "instruments-formula-unknown-function", 1, "exec"),
            ("sqrt(a)", "instruments-formula-unknown-function", 1, "sqrt"),
            ("a +", "instruments-formula-unexpected-end", 4, ""),
            ("(a + b", "instruments-formula-unclosed", 1, "("),
            ("a b", "instruments-formula-unexpected", 3, "b"),
            ("sum()", "instruments-formula-unexpected", 5, ")"),
            ("1.2.3", "instruments-formula-bad-number", 1, "1.2.3"),
            ("", "instruments-formula-empty", 1, ""),
            ("a )", "instruments-formula-unexpected", 3, ")"),
        ];
        for (src, id, pos, found) in cases {
            let err = parse(src).unwrap_err();
            assert_eq!((err.message_id, err.position, err.found.as_str()), (*id, *pos, *found), "{src}");
        }
    }

    #[test]
    fn overlong_and_deeply_nested_formulas_are_refused() {
        assert_eq!(parse(&"1+".repeat(300)).unwrap_err().message_id, "instruments-formula-too-long");
        let deep = format!("{}1{}", "(".repeat(60), ")".repeat(60));
        assert_eq!(parse(&deep).unwrap_err().message_id, "instruments-formula-too-deep");
        let negs = format!("{}1", "-".repeat(60));
        assert_eq!(parse(&negs).unwrap_err().message_id, "instruments-formula-too-deep");
    }

    #[test]
    fn an_unknown_item_is_refused_by_name() {
        let known = |k: &str| ["q1", "q2"].contains(&k);
        assert!(check("q1 + q2", known).is_ok());
        let err = check("q1 + q3 * 2", known).unwrap_err();
        assert_eq!((err.message_id, err.position, err.found.as_str()), ("instruments-formula-unknown-item", 6, "q3"));
    }

    proptest::proptest! {
        #[test]
        fn any_input_parses_or_is_refused_without_panicking(src in ".{0,80}") {
            let _ = parse(&src);
        }

        #[test]
        fn sum_matches_plus(a in -1000i32..1000, b in -1000i32..1000, c in -1000i32..1000) {
            let v = vals(&[("a", Some(f64::from(a))), ("b", Some(f64::from(b))), ("c", Some(f64::from(c)))]);
            proptest::prop_assert_eq!(run("sum(a, b, c)", &v), run("a + b + c", &v));
        }
    }
}
