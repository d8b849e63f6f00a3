//! The condition language of bundles (情形条件), evaluated identically on the phone and on the platform.
//!
//! A bundle member's or question's `when` is one expression over the guided answers and the profile:
//!
//! ```text
//! expr    := or
//! or      := and ('||' and)*
//! and     := not ('&&' not)*
//! not     := '!' not | cmp
//! cmp     := operand (op operand)?
//! op      := '==' | '!=' | '<' | '<=' | '>' | '>='
//! operand := path | 'string' | number | 'true' | 'false' | '(' expr ')'
//! path    := 'answer.' id | 'profile.' id ('.' id)*
//! id      := [A-Za-z_][A-Za-z0-9_]*
//! number  := '-'? [0-9]+ ('.' [0-9]+)?
//! ```
//!
//! Strings are single-quoted; `\'` and `\\` escape. Whitespace between tokens is ignored.
//!
//! Evaluation is three-valued (Kleene): an unanswered question or a missing profile field is
//! [`Truth::Unknown`], so a plan can say what a matter depends on. Strings compare by value, dates (ISO
//! `YYYY-MM-DD` strings) lexicographically, numbers numerically, booleans only for (in)equality. Values of
//! different kinds are never equal, and do not order (`<` between them is false). A bare operand is true only
//! when it is the boolean `true`.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use super::AnswerValue;

/// Longest condition accepted, in bytes.
pub const MAX_LEN: usize = 4096;
/// Deepest nesting of `!` and parentheses accepted.
pub const MAX_DEPTH: usize = 64;

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Truth {
    True,
    False,
    /// Depends on a question not yet answered or a profile field not known.
    Unknown,
}

impl Truth {
    fn from_bool(b: bool) -> Self {
        if b { Self::True } else { Self::False }
    }

    #[must_use]
    pub fn negate(self) -> Self {
        match self {
            Self::True => Self::False,
            Self::False => Self::True,
            Self::Unknown => Self::Unknown,
        }
    }

    #[must_use]
    pub fn and(self, other: Self) -> Self {
        match (self, other) {
            (Self::False, _) | (_, Self::False) => Self::False,
            (Self::True, Self::True) => Self::True,
            _ => Self::Unknown,
        }
    }

    #[must_use]
    pub fn or(self, other: Self) -> Self {
        match (self, other) {
            (Self::True, _) | (_, Self::True) => Self::True,
            (Self::False, Self::False) => Self::False,
            _ => Self::Unknown,
        }
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }
}

/// Where a value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Path {
    /// `answer.<question id>`
    Answer(String),
    /// `profile.<field>(.<field>)*`
    Profile(Vec<String>),
}

/// A parsed condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Or(Box<Condition>, Box<Condition>),
    And(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
    Cmp(Box<Condition>, Op, Box<Condition>),
    Path(Path),
    Str(String),
    /// Always finite.
    Num(f64),
    Bool(bool),
}

/// Why a condition did not parse, and where (byte offset).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("condition error at {position}: {message}")]
pub struct ConditionError {
    pub position: usize,
    pub message: String,
}

/// What a condition is evaluated against.
pub struct Context<'a> {
    pub answers: &'a BTreeMap<String, AnswerValue>,
    /// The profile as JSON, with `spouse` and `company` views (see [`super::planner::profile_view`]).
    pub profile: &'a Value,
}

#[derive(Debug, Clone, PartialEq)]
enum Val {
    Bool(bool),
    Text(String),
    Num(f64),
}

impl Condition {
    /// Parses a condition; never panics.
    pub fn parse(src: &str) -> Result<Self, ConditionError> {
        if src.len() > MAX_LEN {
            return Err(ConditionError { position: MAX_LEN, message: format!("longer than {MAX_LEN} bytes") });
        }
        let mut p = Parser { src, pos: 0, depth: 0 };
        let e = p.or()?;
        p.skip_ws();
        if p.pos < src.len() {
            return Err(p.err("unexpected text after the condition"));
        }
        Ok(e)
    }

    /// Question ids this condition refers to, in order of appearance, without repeats.
    #[must_use]
    pub fn answer_refs(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(&mut |c| {
            if let Self::Path(Path::Answer(id)) = c
                && !out.contains(id)
            {
                out.push(id.clone());
            }
        });
        out
    }

    /// Every path this condition refers to.
    #[must_use]
    pub fn paths(&self) -> Vec<Path> {
        let mut out = Vec::new();
        self.walk(&mut |c| {
            if let Self::Path(p) = c {
                out.push(p.clone());
            }
        });
        out
    }

    fn walk(&self, f: &mut impl FnMut(&Self)) {
        f(self);
        match self {
            Self::Or(a, b) | Self::And(a, b) | Self::Cmp(a, _, b) => {
                a.walk(f);
                b.walk(f);
            }
            Self::Not(a) => a.walk(f),
            _ => {}
        }
    }

    /// Evaluates the condition.
    #[must_use]
    pub fn eval(&self, ctx: &Context<'_>) -> Truth {
        match self {
            Self::Or(a, b) => a.eval(ctx).or(b.eval(ctx)),
            Self::And(a, b) => a.eval(ctx).and(b.eval(ctx)),
            Self::Not(a) => a.eval(ctx).negate(),
            Self::Cmp(a, op, b) => match (a.value(ctx), b.value(ctx)) {
                (Some(x), Some(y)) => Truth::from_bool(compare(&x, *op, &y)),
                _ => Truth::Unknown,
            },
            other => match other.value(ctx) {
                Some(Val::Bool(b)) => Truth::from_bool(b),
                Some(_) => Truth::False,
                None => Truth::Unknown,
            },
        }
    }

    /// The value of an operand; `None` when unknown.
    fn value(&self, ctx: &Context<'_>) -> Option<Val> {
        match self {
            Self::Str(s) => Some(Val::Text(s.clone())),
            Self::Num(n) => Some(Val::Num(*n)),
            Self::Bool(b) => Some(Val::Bool(*b)),
            Self::Path(Path::Answer(id)) => Some(match ctx.answers.get(id)? {
                AnswerValue::Bool(b) => Val::Bool(*b),
                AnswerValue::Text(s) | AnswerValue::Date(s) => Val::Text(s.clone()),
                AnswerValue::Number(n) => Val::Num(*n),
            }),
            Self::Path(Path::Profile(fields)) => {
                let mut v = ctx.profile;
                for f in fields {
                    v = v.get(f)?;
                }
                match v {
                    Value::Bool(b) => Some(Val::Bool(*b)),
                    Value::String(s) => Some(Val::Text(s.clone())),
                    Value::Number(n) => n.as_f64().map(Val::Num),
                    _ => None,
                }
            }
            c => match c.eval(ctx) {
                Truth::True => Some(Val::Bool(true)),
                Truth::False => Some(Val::Bool(false)),
                Truth::Unknown => None,
            },
        }
    }
}

fn compare(x: &Val, op: Op, y: &Val) -> bool {
    use std::cmp::Ordering;
    let ord: Option<Ordering> = match (x, y) {
        (Val::Text(a), Val::Text(b)) => Some(a.cmp(b)),
        (Val::Num(a), Val::Num(b)) => a.partial_cmp(b),
        (Val::Bool(a), Val::Bool(b)) => {
            return match op {
                Op::Eq => a == b,
                Op::Ne => a != b,
                _ => false,
            };
        }
        _ => None,
    };
    match (op, ord) {
        (Op::Eq, o) => o == Some(Ordering::Equal),
        (Op::Ne, o) => o != Some(Ordering::Equal),
        (_, None) => false,
        (Op::Lt, Some(o)) => o.is_lt(),
        (Op::Le, Some(o)) => o.is_le(),
        (Op::Gt, Some(o)) => o.is_gt(),
        (Op::Ge, Some(o)) => o.is_ge(),
    }
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
}

fn is_id_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_id(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Parser<'_> {
    fn err(&self, message: &str) -> ConditionError {
        ConditionError { position: self.pos, message: message.to_owned() }
    }

    fn rest(&self) -> &str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, tok: &str) -> bool {
        self.skip_ws();
        if self.rest().starts_with(tok) {
            self.pos += tok.len();
            true
        } else {
            false
        }
    }

    fn enter(&mut self) -> Result<(), ConditionError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH { Err(self.err("nested too deeply")) } else { Ok(()) }
    }

    fn or(&mut self) -> Result<Condition, ConditionError> {
        let mut left = self.and()?;
        while self.eat("||") {
            let right = self.and()?;
            left = Condition::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Condition, ConditionError> {
        let mut left = self.not()?;
        while self.eat("&&") {
            let right = self.not()?;
            left = Condition::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Condition, ConditionError> {
        self.skip_ws();
        if self.rest().starts_with('!') && !self.rest().starts_with("!=") {
            self.pos += 1;
            self.enter()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Condition::Not(Box::new(inner)));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Condition, ConditionError> {
        let left = self.operand()?;
        self.skip_ws();
        let op = [("==", Op::Eq), ("!=", Op::Ne), ("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)]
            .into_iter()
            .find(|(t, _)| self.rest().starts_with(t));
        let Some((tok, op)) = op else { return Ok(left) };
        self.pos += tok.len();
        let right = self.operand()?;
        Ok(Condition::Cmp(Box::new(left), op, Box::new(right)))
    }

    fn operand(&mut self) -> Result<Condition, ConditionError> {
        self.skip_ws();
        let Some(c) = self.rest().chars().next() else { return Err(self.err("expected a value")) };
        match c {
            '(' => {
                self.pos += 1;
                self.enter()?;
                let e = self.or()?;
                if !self.eat(")") {
                    return Err(self.err("expected ')'"));
                }
                self.depth -= 1;
                Ok(e)
            }
            '\'' => self.string(),
            '-' | '0'..='9' => self.number(),
            c if is_id_start(c) => self.word(),
            _ => Err(self.err("expected a value")),
        }
    }

    fn string(&mut self) -> Result<Condition, ConditionError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\'' => {
                    self.pos += i + 1;
                    return Ok(Condition::Str(out));
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('\'' | '\\'))) => out.push(e),
                    _ => {
                        self.pos += i;
                        return Err(self.err("only \\' and \\\\ are escapes"));
                    }
                },
                c => out.push(c),
            }
        }
        Err(ConditionError { position: start, message: "unterminated string".into() })
    }

    fn number(&mut self) -> Result<Condition, ConditionError> {
        let start = self.pos;
        let rest = self.rest();
        let b = rest.as_bytes();
        let mut i = usize::from(b.first() == Some(&b'-'));
        let digits = |i: &mut usize| {
            let s = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i > s
        };
        if !digits(&mut i) {
            self.pos += i;
            return Err(self.err("expected a digit"));
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if !digits(&mut i) {
                self.pos += i;
                return Err(self.err("expected a digit after '.'"));
            }
        }
        let parsed = rest.get(..i).unwrap_or("").parse::<f64>();
        self.pos += i;
        match parsed {
            Ok(n) if n.is_finite() => Ok(Condition::Num(n)),
            _ => Err(ConditionError { position: start, message: "number out of range".into() }),
        }
    }

    fn ident(&mut self) -> Result<String, ConditionError> {
        let rest = self.rest();
        if !rest.chars().next().is_some_and(is_id_start) {
            return Err(self.err("expected a name"));
        }
        let len = rest.find(|c: char| !is_id(c)).unwrap_or(rest.len());
        let id = rest.get(..len).unwrap_or("").to_owned();
        self.pos += len;
        Ok(id)
    }

    fn word(&mut self) -> Result<Condition, ConditionError> {
        let start = self.pos;
        let word = self.ident()?;
        match word.as_str() {
            "true" => Ok(Condition::Bool(true)),
            "false" => Ok(Condition::Bool(false)),
            "answer" | "profile" => {
                let mut fields = Vec::new();
                while self.rest().starts_with('.') {
                    self.pos += 1;
                    fields.push(self.ident()?);
                }
                if fields.is_empty() {
                    return Err(self.err("expected '.' and a name"));
                }
                if word == "profile" {
                    return Ok(Condition::Path(Path::Profile(fields)));
                }
                if fields.len() != 1 {
                    return Err(ConditionError { position: start, message: "answer.<id> takes one name".into() });
                }
                Ok(Condition::Path(Path::Answer(fields.remove(0))))
            }
            _ => Err(ConditionError {
                position: start,
                message: format!("unknown name '{word}': expected answer., profile., true or false"),
            }),
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Answer(id) => write!(f, "answer.{id}"),
            Self::Profile(fields) => write!(f, "profile.{}", fields.join(".")),
        }
    }
}

/// Binding strength, loosest first.
fn level(c: &Condition) -> u8 {
    match c {
        Condition::Or(..) => 0,
        Condition::And(..) => 1,
        Condition::Not(..) => 2,
        Condition::Cmp(..) => 3,
        _ => 4,
    }
}

fn write_at(f: &mut fmt::Formatter<'_>, c: &Condition, min: u8) -> fmt::Result {
    if level(c) < min { write!(f, "({c})") } else { write!(f, "{c}") }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Or(a, b) => {
                write_at(f, a, 0)?;
                f.write_str(" || ")?;
                write_at(f, b, 1)
            }
            Self::And(a, b) => {
                write_at(f, a, 1)?;
                f.write_str(" && ")?;
                write_at(f, b, 2)
            }
            Self::Not(a) => {
                f.write_str("!")?;
                write_at(f, a, 2)
            }
            Self::Cmp(a, op, b) => {
                write_at(f, a, 4)?;
                write!(f, " {} ", op.as_str())?;
                write_at(f, b, 4)
            }
            Self::Path(p) => write!(f, "{p}"),
            Self::Str(s) => write!(f, "'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
            Self::Num(n) => write!(f, "{n}"),
            Self::Bool(b) => write!(f, "{b}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn eval(src: &str, answers: &[(&str, AnswerValue)], profile: &Value) -> Truth {
        let answers: BTreeMap<String, AnswerValue> =
            answers.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        Condition::parse(src).expect("parses").eval(&Context { answers: &answers, profile })
    }

    #[test]
    fn three_valued() {
        let p = json!({"marital_status": "已婚", "birth_date": "1990-05-01"});
        assert_eq!(eval("answer.born == true", &[], &p), Truth::Unknown);
        assert_eq!(eval("answer.born == true", &[("born", AnswerValue::Bool(true))], &p), Truth::True);
        assert_eq!(eval("answer.a && answer.b", &[("a", AnswerValue::Bool(false))], &p), Truth::False);
        assert_eq!(eval("answer.a || answer.b", &[("a", AnswerValue::Bool(true))], &p), Truth::True);
        assert_eq!(eval("!answer.a", &[], &p), Truth::Unknown);
        assert_eq!(eval("profile.marital_status == '已婚'", &[], &p), Truth::True);
        assert_eq!(eval("profile.birth_date < '2000-01-01'", &[], &p), Truth::True);
        assert_eq!(eval("profile.nothing == 'x'", &[], &p), Truth::Unknown);
        assert_eq!(eval("answer.n >= 2.5", &[("n", AnswerValue::Number(3.0))], &p), Truth::True);
        assert_eq!(eval("answer.d > '2024-01-01'", &[("d", AnswerValue::Date("2024-02-01".into()))], &p), Truth::True);
        assert_eq!(eval("'1' == 1", &[], &p), Truth::False);
        assert_eq!(eval("!(1 < 2) || (true == false)", &[], &p), Truth::False);
    }

    #[test]
    fn errors_carry_positions() {
        let e = Condition::parse("answer.born == ").unwrap_err();
        assert_eq!(e.position, 15);
        let e = Condition::parse("answer.born = true").unwrap_err();
        assert_eq!(e.position, 12);
        assert_eq!(Condition::parse("foo.bar").unwrap_err().position, 0);
        assert_eq!(Condition::parse("'open").unwrap_err().position, 0);
        assert!(Condition::parse(&"(".repeat(10_000)).is_err());
        assert!(Condition::parse(&"!".repeat(10_000)).is_err());
    }

    fn arb_condition() -> impl Strategy<Value = Condition> {
        let id = "[a-z_][a-z0-9_]{0,6}";
        let leaf = prop_oneof![
            id.prop_map(|s| Condition::Path(Path::Answer(s))),
            prop::collection::vec(id, 1..3).prop_map(|v| Condition::Path(Path::Profile(v))),
            "[a-z'\\\\ 中文-]{0,6}".prop_map(Condition::Str),
            (-1.0e9f64..1.0e9).prop_map(Condition::Num),
            any::<bool>().prop_map(Condition::Bool),
        ];
        leaf.prop_recursive(5, 40, 3, |inner| {
            let op = prop_oneof![Just(Op::Eq), Just(Op::Ne), Just(Op::Lt), Just(Op::Le), Just(Op::Gt), Just(Op::Ge)];
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Condition::Or(Box::new(a), Box::new(b))),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Condition::And(Box::new(a), Box::new(b))),
                inner.clone().prop_map(|a| Condition::Not(Box::new(a))),
                (inner.clone(), op, inner).prop_map(|(a, o, b)| Condition::Cmp(Box::new(a), o, Box::new(b))),
            ]
        })
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,80}") {
            let _ = Condition::parse(&s);
        }

        #[test]
        fn parse_never_panics_on_near_misses(s in "[a-z.()!=<>&|' 0-9-]{0,60}") {
            let _ = Condition::parse(&s);
        }

        #[test]
        fn display_reparses(c in arb_condition()) {
            let text = c.to_string();
            prop_assert_eq!(Condition::parse(&text), Ok(c), "{}", text);
        }
    }
}
