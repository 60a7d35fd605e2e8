//! Wildcard patterns as IAM writes them: `*` (any run of characters), `?` (exactly one
//! character) and, in `2012-10-17` documents, policy variables such as `${aws:username}`.
//!
//! One compiled [`Pattern`] serves actions (case-insensitive, compiled lowercased), resource ARNs
//! and ARN condition values (case-sensitive, matched per ARN segment, see [`Pattern::matches_arn`])
//! and string condition values (`StringLike` with wildcards, `StringEquals` without).
//!
//! Matching is the classic greedy algorithm that backtracks to the last `*`: O(pattern × text)
//! in the worst case, linear in practice, no recursion and no allocation, so a hostile pattern
//! cannot blow the stack.
//!
//! Two set questions are also answered here for the MFA analysis, which has to reason about
//! *every* resource a statement could touch rather than one concrete request:
//! [`Pattern::covers`] (is every string matched by B also matched by A?) and
//! [`Pattern::may_overlap`] (is there a string both match?). Both are conservative in the
//! direction the analysis needs: `covers` may answer "no" for an exotic pair that is in fact
//! covered, `may_overlap` may answer "yes" for a pair that is in fact disjoint. Either mistake
//! makes a Deny look weaker than it is, which reports a gap rather than hiding one.

use std::fmt;

/// How the characters of a pattern's source are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Syntax {
    /// `*` and `?` are wildcards (Action, Resource, `StringLike`, `Arn*`); otherwise literal
    /// (`StringEquals`).
    pub wildcards: bool,
    /// `${...}` is a policy variable. Only in `2012-10-17` documents: in `2008-10-17` or
    /// unversioned ones IAM reads `${aws:username}` as literal text.
    pub variables: bool,
    /// Compile lowercased, for case-insensitive matching against lowercased text.
    pub lowercase: bool,
}

/// One piece of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// Characters that must appear as they are.
    Text(String),
    /// `?`: exactly one character.
    AnyChar,
    /// `*`: any run of characters, including none.
    AnyRun,
    /// `${key}` or `${key, 'default'}`; `key` is lowercased because context key names are
    /// case-insensitive.
    Variable {
        key: String,
        default: Option<String>,
    },
}

/// A compiled wildcard pattern, with the source text it came from.
#[derive(Clone, PartialEq, Eq)]
pub struct Pattern {
    source: String,
    tokens: Vec<Token>,
    has_variables: bool,
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

/// Where policy variables get their values from. The evaluator answers from the request
/// context; `None` means the variable has no single value.
pub(crate) trait VariableValues {
    fn value_of(&self, lowercase_key: &str) -> Option<&str>;
}

/// No variable has a value: a pattern with variables (and no defaults) matches nothing.
pub(crate) struct NoVariables;

impl VariableValues for NoVariables {
    fn value_of(&self, _lowercase_key: &str) -> Option<&str> {
        None
    }
}

impl Pattern {
    /// Compiles `source` under `syntax`. Never fails: anything that is not a wildcard or a
    /// well-formed variable is literal text, which is how IAM reads it too.
    pub(crate) fn compile(source: &str, syntax: Syntax) -> Pattern {
        let text = if syntax.lowercase {
            source.to_lowercase()
        } else {
            source.to_owned()
        };
        let mut tokens: Vec<Token> = Vec::new();
        let mut has_variables = false;
        let mut rest = text.as_str();
        while let Some(ch) = rest.chars().next() {
            if syntax.wildcards && ch == '*' {
                if tokens.last() != Some(&Token::AnyRun) {
                    tokens.push(Token::AnyRun);
                }
                rest = &rest[1..];
                continue;
            }
            if syntax.wildcards && ch == '?' {
                tokens.push(Token::AnyChar);
                rest = &rest[1..];
                continue;
            }
            if syntax.variables && rest.starts_with("${") {
                if let Some(end) = rest.find('}') {
                    let inner = &rest[2..end];
                    if let Some(token) = variable_token(inner) {
                        match token {
                            VariableToken::Literal(literal) => push_text(&mut tokens, literal),
                            VariableToken::Variable { key, default } => {
                                has_variables = true;
                                tokens.push(Token::Variable { key, default });
                            }
                        }
                        rest = &rest[end + 1..];
                        continue;
                    }
                }
            }
            let len = ch.len_utf8();
            push_text(&mut tokens, &rest[..len]);
            rest = &rest[len..];
        }
        Pattern {
            source: source.to_owned(),
            tokens,
            has_variables,
        }
    }

    /// The text as written in the policy.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// True when the pattern is a single `*`: it matches every string.
    pub(crate) fn is_match_all(&self) -> bool {
        self.tokens == [Token::AnyRun]
    }

    /// True when the pattern contains at least one policy variable.
    pub(crate) fn has_variables(&self) -> bool {
        self.has_variables
    }

    /// The (lowercased) context keys of its policy variables, defaults or not.
    pub(crate) fn variable_keys(&self) -> impl Iterator<Item = &str> {
        self.tokens.iter().filter_map(|token| match token {
            Token::Variable { key, .. } => Some(key.as_str()),
            _ => None,
        })
    }

    /// Whole-string match. Variables take their values from `variables`; a variable with no
    /// value and no default makes the pattern match nothing.
    pub(crate) fn matches_with(&self, text: &str, variables: &dyn VariableValues) -> bool {
        if !self.has_variables {
            return glob_match(&self.tokens, text);
        }
        match self.resolve(variables) {
            Some(tokens) => glob_match(&tokens, text),
            None => false,
        }
    }

    /// Whole-string match with no variable values.
    pub(crate) fn matches(&self, text: &str) -> bool {
        self.matches_with(text, &NoVariables)
    }

    /// ARN match as IAM documents it for `Resource` and the `Arn*` operators: the six
    /// colon-separated segments (`arn:partition:service:region:account:resource`) are matched
    /// separately, so a wildcard inside `region` cannot eat into `account`. A pattern with
    /// fewer segments matches its last segment against the rest of the ARN, colons included,
    /// which is how a trailing `*` "expands beyond the colon boundaries" (`arn:aws:s3:*`).
    /// The resource segment (the sixth) may itself contain colons and slashes, and wildcards in
    /// it cross them. A pattern without colons, such as `*`, is therefore a whole-string match.
    pub(crate) fn matches_arn_with(&self, text: &str, variables: &dyn VariableValues) -> bool {
        if self.is_match_all() {
            return true;
        }
        let resolved;
        let tokens: &[Token] = if self.has_variables {
            match self.resolve(variables) {
                Some(tokens) => {
                    resolved = tokens;
                    &resolved
                }
                None => return false,
            }
        } else {
            &self.tokens
        };
        let pattern_segments = split_segments(tokens);
        let mut text_segments = text.splitn(pattern_segments.len(), ':');
        for pattern_segment in &pattern_segments {
            let Some(text_segment) = text_segments.next() else {
                return false;
            };
            if !glob_match(pattern_segment, text_segment) {
                return false;
            }
        }
        true
    }

    /// True when every string this pattern could match (with any variable values) is also
    /// matched by `outer`. Sound but not complete; see the module documentation.
    pub(crate) fn covered_by(&self, outer: &Pattern, arn_segments: bool) -> bool {
        if outer.is_match_all() {
            return true;
        }
        if !arn_segments {
            return glob_covers(&outer.tokens, &self.tokens);
        }
        let outer_segments = split_segments(&outer.tokens);
        let inner_segments = split_segments(&self.tokens);
        if inner_segments.len() < outer_segments.len() {
            return false;
        }
        let last = outer_segments.len() - 1;
        for (index, outer_segment) in outer_segments.iter().enumerate() {
            let covered = if index < last {
                glob_covers(outer_segment, &inner_segments[index])
            } else {
                let rest = join_segments(&inner_segments[last..]);
                glob_covers(outer_segment, &rest)
            };
            if !covered {
                return false;
            }
        }
        true
    }

    /// True when some string could be matched by both patterns (variables count as `*`).
    /// Complete for the characters written; may say "yes" for ARN patterns whose wildcards
    /// would in fact be held to one segment.
    pub(crate) fn may_overlap(&self, other: &Pattern) -> bool {
        glob_overlap(&self.tokens, &other.tokens)
    }

    /// Could this resource pattern match some ARN written in `format`? Never "no" when such
    /// an ARN exists (see [`ArnFormat`] for what a placeholder may stand for); may say "yes"
    /// for a pair that has none, as [`Pattern::may_overlap`] does.
    ///
    /// Both sides are split into ARN segments as [`Pattern::matches_arn_with`] splits them and
    /// compared segment by segment, the shorter side's last segment against the rest of the
    /// other, joined with its colons. That is sound because a format's placeholders before its
    /// resource segment never hold a colon (they are `${Partition}`, `${Region}`, `${Account}`);
    /// a format where some other placeholder comes first is compared as a whole string.
    pub(crate) fn may_match_format(&self, format: &ArnFormat) -> bool {
        if self.is_match_all() {
            return true;
        }
        // Most pairs name different services: tell them apart without building segments.
        if let (Some(mine), Some(theirs)) = (self.literal_service(), format.service.as_deref()) {
            if mine != theirs {
                return false;
            }
        }
        let pattern_segments: Vec<Vec<Atom<'_>>> = split_segments(&self.tokens)
            .iter()
            .map(|segment| atoms(segment).into_iter().map(Atom::into_static).collect())
            .collect();
        // A variable's value may hold colons, which would move the segment boundaries.
        if self.has_variables || !format.segment_aligned {
            let whole = join_atoms(&pattern_segments);
            return atoms_overlap(&whole, &join_atoms(&format.segments));
        }
        let shared = pattern_segments.len().min(format.segments.len());
        let last = shared - 1;
        let leading_overlap = pattern_segments[..last]
            .iter()
            .zip(&format.segments[..last])
            .all(|(mine, theirs)| atoms_overlap(mine, theirs));
        if !leading_overlap {
            return false;
        }
        atoms_overlap(
            &join_atoms(&pattern_segments[last..]),
            &join_atoms(&format.segments[last..]),
        )
    }

    /// The service segment (`s3` in `arn:aws:s3:::b/*`) when the pattern's leading text spells
    /// it out, with no wildcard or variable before its closing colon.
    fn literal_service(&self) -> Option<&str> {
        let Some(Token::Text(text)) = self.tokens.first() else {
            return None;
        };
        let mut segments = text.splitn(4, ':');
        let (_, _, service) = (segments.next()?, segments.next()?, segments.next()?);
        segments.next()?;
        Some(service)
    }

    /// Does this pattern match every ARN written in `format`, as an ARN? Sound: "yes" only when
    /// it does, proven on the format with every placeholder read as `*` (a superset of its
    /// ARNs).
    pub(crate) fn covers_format(&self, format: &ArnFormat) -> bool {
        format.widened.covered_by(self, true)
    }

    /// Replaces variables with their values; `None` when one has no value and no default.
    fn resolve(&self, variables: &dyn VariableValues) -> Option<Vec<Token>> {
        let mut tokens = Vec::with_capacity(self.tokens.len());
        for token in &self.tokens {
            match token {
                Token::Variable { key, default } => {
                    let value = variables.value_of(key).or(default.as_deref())?;
                    push_text(&mut tokens, value);
                }
                other => tokens.push(other.clone()),
            }
        }
        Some(tokens)
    }
}

/// Placeholders of ARN formats whose values cannot contain some characters, and which: the
/// segment placeholders never hold `:` (it separates ARN segments) or `/`; S3 bucket and access
/// point names are lowercase letters, digits, dots and hyphens ("Bucket naming rules", "Naming
/// rules for access points" in the Amazon S3 User Guide). Every other placeholder may stand for
/// any run of characters: object keys, IAM paths and log group names hold `/` and `:`.
const RESTRICTED_PLACEHOLDERS: &[(&str, &str)] = &[
    ("Partition", ":/"),
    ("Region", ":/"),
    ("Account", ":/"),
    ("BucketName", ":/"),
    ("AccessPointName", ":/"),
];

/// An ARN format of the Service Authorization Reference, such as
/// `arn:${Partition}:s3:::${BucketName}/${ObjectName}`: literal text and `${Name}`
/// placeholders. A placeholder stands for any run of characters (possibly empty, which only
/// widens it), except those [`RESTRICTED_PLACEHOLDERS`] rules out.
#[derive(Clone)]
pub(crate) struct ArnFormat {
    source: String,
    /// Split at the first five literal colons, like a resource pattern.
    segments: Vec<Vec<Atom<'static>>>,
    /// Whether only colon-free placeholders come before the last segment, so that segments
    /// line up with an ARN's (see [`Pattern::may_match_format`]).
    segment_aligned: bool,
    /// The format with each placeholder read as `*`.
    widened: Pattern,
    /// The service segment, when it is literal text (it always is in the reference).
    service: Option<String>,
}

impl fmt::Debug for ArnFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ArnFormat({:?})", self.source)
    }
}

impl ArnFormat {
    pub(crate) fn parse(source: &str) -> ArnFormat {
        let mut segments: Vec<Vec<Atom<'static>>> = vec![Vec::new()];
        let mut widened = String::new();
        let mut segment_aligned = true;
        let mut rest = source;
        while let Some(ch) = rest.chars().next() {
            if let Some(end) = rest.strip_prefix("${").and_then(|inner| inner.find('}')) {
                let name = &rest[2..2 + end];
                let excluded = RESTRICTED_PLACEHOLDERS
                    .iter()
                    .find(|(known, _)| *known == name)
                    .map(|(_, excluded)| *excluded);
                let is_last_segment = segments.len() == 6;
                if !is_last_segment && !excluded.is_some_and(|chars| chars.contains(':')) {
                    segment_aligned = false;
                }
                let atom = excluded.map_or(Atom::AnyRun, Atom::RunExcluding);
                if let Some(last) = segments.last_mut() {
                    last.push(atom);
                }
                widened.push('*');
                rest = &rest[2 + end + 1..];
                continue;
            }
            if ch == ':' && segments.len() < 6 {
                segments.push(Vec::new());
            } else if let Some(last) = segments.last_mut() {
                last.push(Atom::Char(ch));
            }
            widened.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
        let service = segments.get(2).and_then(|segment| {
            segment
                .iter()
                .map(|atom| match atom {
                    Atom::Char(ch) => Some(*ch),
                    _ => None,
                })
                .collect::<Option<String>>()
        });
        ArnFormat {
            service,
            source: source.to_owned(),
            segments,
            segment_aligned,
            widened: Pattern::compile(
                &widened,
                Syntax {
                    wildcards: true,
                    variables: false,
                    lowercase: false,
                },
            ),
        }
    }

    /// The format as the reference writes it.
    pub(crate) fn as_str(&self) -> &str {
        &self.source
    }
}

/// Segments joined back with their colons.
fn join_atoms<'a>(segments: &[Vec<Atom<'a>>]) -> Vec<Atom<'a>> {
    let mut joined = Vec::new();
    for (index, segment) in segments.iter().enumerate() {
        if index > 0 {
            joined.push(Atom::Char(':'));
        }
        joined.extend_from_slice(segment);
    }
    joined
}

enum VariableToken<'a> {
    /// `${*}`, `${?}`, `${$}`: the character itself, never a wildcard.
    Literal(&'a str),
    Variable {
        key: String,
        default: Option<String>,
    },
}

/// Reads what is between `${` and `}`; `None` when it is not a variable (then the text is
/// literal, as IAM treats it).
fn variable_token(inner: &str) -> Option<VariableToken<'_>> {
    match inner {
        "*" | "?" | "$" => return Some(VariableToken::Literal(inner)),
        _ => {}
    }
    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let quoted = default
                .strip_prefix('\'')
                .and_then(|rest| rest.strip_suffix('\''))?;
            (key.trim(), Some(quoted.to_owned()))
        }
        None => (inner.trim(), None),
    };
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    Some(VariableToken::Variable {
        key: key.to_lowercase(),
        default,
    })
}

fn push_text(tokens: &mut Vec<Token>, text: &str) {
    if let Some(Token::Text(existing)) = tokens.last_mut() {
        existing.push_str(text);
    } else {
        tokens.push(Token::Text(text.to_owned()));
    }
}

/// Splits tokens at the first five literal colons: at most six ARN segments.
fn split_segments(tokens: &[Token]) -> Vec<Vec<Token>> {
    let mut segments: Vec<Vec<Token>> = vec![Vec::new()];
    for token in tokens {
        match token {
            Token::Text(text) => {
                let mut rest = text.as_str();
                while segments.len() < 6 {
                    let Some(colon) = rest.find(':') else {
                        break;
                    };
                    if colon > 0 {
                        push_text(current(&mut segments), &rest[..colon]);
                    }
                    segments.push(Vec::new());
                    rest = &rest[colon + 1..];
                }
                if !rest.is_empty() {
                    push_text(current(&mut segments), rest);
                }
            }
            other => current(&mut segments).push(other.clone()),
        }
    }
    segments
}

fn current(segments: &mut Vec<Vec<Token>>) -> &mut Vec<Token> {
    if segments.is_empty() {
        segments.push(Vec::new());
    }
    let last = segments.len() - 1;
    &mut segments[last]
}

fn join_segments(segments: &[Vec<Token>]) -> Vec<Token> {
    let mut joined = Vec::new();
    for (index, segment) in segments.iter().enumerate() {
        if index > 0 {
            push_text(&mut joined, ":");
        }
        for token in segment {
            match token {
                Token::Text(text) => push_text(&mut joined, text),
                other => joined.push(other.clone()),
            }
        }
    }
    joined
}

/// Greedy glob match with backtracking to the most recent `*`. Variables must already be
/// resolved; an unresolved one matches nothing.
fn glob_match(tokens: &[Token], text: &str) -> bool {
    let mut token_index = 0;
    let mut position = 0;
    // After a mismatch, retry from the token after the last `*`, with that `*` eating one more
    // character than before.
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        if let Some(token) = tokens.get(token_index) {
            match token {
                Token::AnyRun => {
                    if token_index + 1 == tokens.len() {
                        // A trailing `*` takes whatever is left.
                        return true;
                    }
                    backtrack = Some((token_index + 1, position));
                    token_index += 1;
                    continue;
                }
                Token::AnyChar => {
                    if let Some(ch) = text[position..].chars().next() {
                        position += ch.len_utf8();
                        token_index += 1;
                        continue;
                    }
                }
                Token::Text(literal) => {
                    if text[position..].starts_with(literal.as_str()) {
                        position += literal.len();
                        token_index += 1;
                        continue;
                    }
                }
                Token::Variable { .. } => {}
            }
        } else if position == text.len() {
            return true;
        }
        match backtrack {
            Some((resume_token, star_start)) => match text[star_start..].chars().next() {
                Some(ch) => {
                    let next_start = star_start + ch.len_utf8();
                    backtrack = Some((resume_token, next_start));
                    token_index = resume_token;
                    position = next_start;
                }
                None => return false,
            },
            None => return false,
        }
    }
}

/// A pattern as a sequence of one-character atoms, for the set questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Atom<'a> {
    Char(char),
    AnyChar,
    AnyRun,
    /// A policy variable, kept by name: as the *outer* pattern of a cover question it only
    /// covers the same variable (its value is unknown); elsewhere it stands for any run.
    Variable(&'a str),
    /// A placeholder of an ARN format whose values never contain these characters
    /// (`${BucketName}` has no `/`). Only in [`ArnFormat`]s, never in policy patterns.
    RunExcluding(&'static str),
}

impl Atom<'_> {
    /// The atom without its borrow: a variable, whose value is unknown, becomes the run it
    /// stands for in overlap questions.
    fn into_static(self) -> Atom<'static> {
        match self {
            Atom::Char(ch) => Atom::Char(ch),
            Atom::AnyChar => Atom::AnyChar,
            Atom::AnyRun | Atom::Variable(_) => Atom::AnyRun,
            Atom::RunExcluding(excluded) => Atom::RunExcluding(excluded),
        }
    }
}

fn atoms(tokens: &[Token]) -> Vec<Atom<'_>> {
    let mut atoms = Vec::new();
    for token in tokens {
        match token {
            Token::Text(text) => atoms.extend(text.chars().map(Atom::Char)),
            Token::AnyChar => atoms.push(Atom::AnyChar),
            Token::AnyRun => atoms.push(Atom::AnyRun),
            Token::Variable { key, .. } => atoms.push(Atom::Variable(key)),
        }
    }
    atoms
}

/// Does `outer` match every string `inner` can match? Dynamic programming over
/// (outer atoms consumed, inner atoms consumed): an outer `*` absorbs any inner atom, an outer
/// `?` absorbs one inner character or `?`, a literal absorbs the same literal, a variable the
/// same variable.
fn glob_covers(outer: &[Token], inner: &[Token]) -> bool {
    let outer = atoms(outer);
    let inner = atoms(inner);
    let width = inner.len() + 1;
    // reachable[o * width + i]: the first o outer atoms can absorb the first i inner atoms.
    let mut reachable = vec![false; (outer.len() + 1) * width];
    reachable[0] = true;
    for o in 0..=outer.len() {
        for i in 0..=inner.len() {
            if !reachable[o * width + i] {
                continue;
            }
            let Some(outer_atom) = outer.get(o) else {
                continue;
            };
            if *outer_atom == Atom::AnyRun {
                // The `*` absorbs nothing more...
                reachable[(o + 1) * width + i] = true;
                // ...or one more inner atom, staying available for the next.
                if i < inner.len() {
                    reachable[o * width + i + 1] = true;
                }
                continue;
            }
            let Some(inner_atom) = inner.get(i) else {
                continue;
            };
            let absorbs = match (outer_atom, inner_atom) {
                (Atom::AnyChar, Atom::Char(_) | Atom::AnyChar) => true,
                (Atom::Char(a), Atom::Char(b)) => a == b,
                (Atom::Variable(a), Atom::Variable(b)) => a == b,
                _ => false,
            };
            if absorbs {
                reachable[(o + 1) * width + i + 1] = true;
            }
        }
    }
    reachable[outer.len() * width + inner.len()]
}

/// Is there a string both patterns match? Reachability over pairs of positions, where `*`
/// (and a variable, whose value is unknown) may stay put while the other side advances.
fn glob_overlap(left: &[Token], right: &[Token]) -> bool {
    atoms_overlap(&atoms(left), &atoms(right))
}

/// [`glob_overlap`] over atoms, where a [`Atom::RunExcluding`] run produces only the characters
/// it allows.
fn atoms_overlap(left: &[Atom<'_>], right: &[Atom<'_>]) -> bool {
    let is_run = |atom: &Atom<'_>| {
        matches!(
            atom,
            Atom::AnyRun | Atom::Variable(_) | Atom::RunExcluding(_)
        )
    };
    let width = right.len() + 1;
    let mut reachable = vec![false; (left.len() + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((l, r)) = stack.pop() {
        let cell = l * width + r;
        if reachable[cell] {
            continue;
        }
        reachable[cell] = true;
        if l == left.len() && r == right.len() {
            return true;
        }
        let left_atom = left.get(l);
        let right_atom = right.get(r);
        // A run may match the empty string.
        if left_atom.is_some_and(is_run) {
            stack.push((l + 1, r));
        }
        if right_atom.is_some_and(is_run) {
            stack.push((l, r + 1));
        }
        // Both sides produce one common character.
        if let (Some(a), Some(b)) = (left_atom, right_atom) {
            let common = match (a, b) {
                (Atom::Char(x), Atom::Char(y)) => x == y,
                (Atom::Char(x), Atom::RunExcluding(excluded))
                | (Atom::RunExcluding(excluded), Atom::Char(x)) => !excluded.contains(*x),
                _ => true,
            };
            if common {
                let next_l = if is_run(a) { l } else { l + 1 };
                let next_r = if is_run(b) { r } else { r + 1 };
                if (next_l, next_r) != (l, r) {
                    stack.push((next_l, next_r));
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTION: Syntax = Syntax {
        wildcards: true,
        variables: false,
        lowercase: true,
    };
    const RESOURCE: Syntax = Syntax {
        wildcards: true,
        variables: true,
        lowercase: false,
    };
    const LITERAL: Syntax = Syntax {
        wildcards: false,
        variables: true,
        lowercase: false,
    };

    struct Values(&'static [(&'static str, &'static str)]);
    impl VariableValues for Values {
        fn value_of(&self, key: &str) -> Option<&str> {
            self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
        }
    }

    #[test]
    fn star_and_question_mark() {
        let pattern = Pattern::compile("iam:*User?", ACTION);
        assert!(pattern.matches("iam:createusers"));
        assert!(pattern.matches("iam:usera"));
        assert!(!pattern.matches("iam:createuser"));
        assert!(Pattern::compile("*", ACTION).matches(""));
        assert!(Pattern::compile("a*b*c", ACTION).matches("aXbYbZc"));
        assert!(!Pattern::compile("a*b*c", ACTION).matches("aXbYbZ"));
    }

    #[test]
    fn question_mark_is_one_character_not_one_byte() {
        assert!(Pattern::compile("caf?", RESOURCE).matches("café"));
        assert!(!Pattern::compile("caf??", RESOURCE).matches("café"));
    }

    #[test]
    fn wildcards_are_literal_when_disabled() {
        let pattern = Pattern::compile("a*", LITERAL);
        assert!(pattern.matches("a*"));
        assert!(!pattern.matches("abc"));
    }

    #[test]
    fn variables_resolve_from_the_request_and_fall_back_to_defaults() {
        let pattern = Pattern::compile("arn:aws:iam::*:user/${aws:username}", RESOURCE);
        assert!(pattern.has_variables());
        let alice = Values(&[("aws:username", "alice")]);
        assert!(pattern.matches_arn_with("arn:aws:iam::1:user/alice", &alice));
        assert!(!pattern.matches_arn_with("arn:aws:iam::1:user/bob", &alice));
        assert!(!pattern.matches_arn_with("arn:aws:iam::1:user/alice", &NoVariables));
        let with_default = Pattern::compile("team-${aws:PrincipalTag/team, 'none'}", RESOURCE);
        assert!(with_default.matches("team-none"));
    }

    #[test]
    fn escaped_wildcards_are_literal() {
        let pattern = Pattern::compile("a${*}b${?}c${$}", RESOURCE);
        assert!(pattern.matches("a*b?c$"));
        assert!(!pattern.matches("aXb?c$"));
    }

    #[test]
    fn without_variable_syntax_dollar_braces_are_text() {
        let pattern = Pattern::compile(
            "${aws:username}",
            Syntax {
                variables: false,
                ..RESOURCE
            },
        );
        assert!(!pattern.has_variables());
        assert!(pattern.matches("${aws:username}"));
    }

    #[test]
    fn arn_wildcards_stay_in_their_segment() {
        let pattern = Pattern::compile("arn:aws:ec2:*:123456789012:instance/*", RESOURCE);
        assert!(pattern.matches_arn_with(
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
            &NoVariables
        ));
        // As a whole-string glob `*` would swallow "us-east-1:999"; per segment it cannot.
        assert!(!pattern.matches_arn_with(
            "arn:aws:ec2:us-east-1:999:123456789012:instance/i-1",
            &NoVariables
        ));
        assert!(Pattern::compile("arn:aws:s3:*", RESOURCE)
            .matches_arn_with("arn:aws:s3:::bucket/key", &NoVariables));
        assert!(
            Pattern::compile("arn:aws:logs:us-east-1:1:log-group:*", RESOURCE).matches_arn_with(
                "arn:aws:logs:us-east-1:1:log-group:app:log-stream:x",
                &NoVariables
            )
        );
        assert!(!Pattern::compile("arn:aws:s3:::*", RESOURCE).matches_arn_with("*", &NoVariables));
    }

    #[test]
    fn arn_match_is_case_sensitive() {
        let pattern = Pattern::compile("arn:aws:iam::1:user/Bob", RESOURCE);
        assert!(!pattern.matches_arn_with("arn:aws:iam::1:user/bob", &NoVariables));
    }

    #[test]
    fn covers() {
        let covers = |outer: &str, inner: &str| {
            Pattern::compile(inner, RESOURCE).covered_by(&Pattern::compile(outer, RESOURCE), true)
        };
        assert!(covers("*", "arn:aws:s3:::b"));
        assert!(covers("arn:aws:s3:::*", "arn:aws:s3:::b/*"));
        assert!(covers("arn:aws:s3:::b*", "arn:aws:s3:::b?"));
        assert!(!covers("arn:aws:s3:::b?", "arn:aws:s3:::b*"));
        assert!(!covers("arn:aws:s3:::a", "*"));
        assert!(covers("arn:aws:*", "arn:aws:iam::1:user/x"));
        assert!(covers(
            "arn:aws:iam::*:user/${aws:username}",
            "arn:aws:iam::1:user/${aws:username}"
        ));
        assert!(!covers(
            "arn:aws:iam::*:user/${aws:username}",
            "arn:aws:iam::1:user/*"
        ));
    }

    #[test]
    fn overlap() {
        let overlap = |a: &str, b: &str| {
            Pattern::compile(a, RESOURCE).may_overlap(&Pattern::compile(b, RESOURCE))
        };
        assert!(overlap("arn:aws:s3:::a*", "arn:aws:s3:::*b"));
        assert!(!overlap("arn:aws:s3:::a*", "arn:aws:iam::*"));
        assert!(overlap("a?c", "*c"));
        assert!(!overlap("a?c", "ab"));
        assert!(overlap("x/${aws:username}", "x/alice"));
    }
}

/// Property tests: the matcher against a regex reference, and the soundness of the set
/// questions the MFA analysis relies on.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use regex::Regex;

    use super::*;

    const ACTION: Syntax = Syntax {
        wildcards: true,
        variables: false,
        lowercase: true,
    };
    const RESOURCE: Syntax = Syntax {
        wildcards: true,
        variables: false,
        lowercase: false,
    };

    /// Reference semantics written the obvious way: `*` is `.*`, `?` is `.`, anchored.
    fn reference_glob(pattern: &str, case_insensitive: bool) -> Regex {
        let mut source = String::from(if case_insensitive { "(?is)^" } else { "(?s)^" });
        for ch in pattern.chars() {
            match ch {
                '*' => source.push_str(".*"),
                '?' => source.push('.'),
                other => source.push_str(&regex::escape(&other.to_string())),
            }
        }
        source.push('$');
        Regex::new(&source).expect("reference regex compiles")
    }

    /// Reference ARN semantics: the pattern's first five colons are segment boundaries; in
    /// every segment but the last, wildcards cannot cross a colon.
    fn reference_arn(pattern: &str) -> Regex {
        let segments: Vec<&str> = pattern.splitn(6, ':').collect();
        let last = segments.len() - 1;
        let mut source = String::from("(?s)^");
        for (index, segment) in segments.iter().enumerate() {
            if index > 0 {
                source.push(':');
            }
            let (any_run, any_char) = if index < last {
                ("[^:]*", "[^:]")
            } else {
                (".*", ".")
            };
            for ch in segment.chars() {
                match ch {
                    '*' => source.push_str(any_run),
                    '?' => source.push_str(any_char),
                    other => source.push_str(&regex::escape(&other.to_string())),
                }
            }
        }
        source.push('$');
        Regex::new(&source).expect("reference regex compiles")
    }

    /// Replaces each `*` with a short string and each `?` with one character: a string the
    /// pattern matches.
    fn instantiate(pattern: &str, fillers: &[String]) -> String {
        let mut out = String::new();
        let mut filler = fillers.iter().cycle();
        for ch in pattern.chars() {
            match ch {
                '*' => out.push_str(filler.next().map(String::as_str).unwrap_or("")),
                '?' => out.push(filler.next().and_then(|f| f.chars().next()).unwrap_or('x')),
                other => out.push(other),
            }
        }
        out
    }

    /// ARN formats over a small alphabet, with the reference's placeholders.
    fn arn_format() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("a".to_owned()),
                Just("b".to_owned()),
                Just(":".to_owned()),
                Just("/".to_owned()),
                Just("${Account}".to_owned()),
                Just("${BucketName}".to_owned()),
                Just("${ObjectName}".to_owned()),
            ],
            0..10,
        )
        .prop_map(|pieces| pieces.concat())
    }

    /// An ARN the format describes: each placeholder replaced with a filler its naming rule
    /// allows (restricted ones lose their `:` and `/`).
    fn instantiate_format(format: &str, fillers: &[String]) -> String {
        let mut out = String::new();
        let mut filler = fillers.iter().cycle();
        let mut rest = format;
        while !rest.is_empty() {
            if let Some(inner) = rest.strip_prefix("${") {
                let end = inner.find('}').expect("closed placeholder");
                let name = &inner[..end];
                let value = filler.next().cloned().unwrap_or_default();
                let restricted = RESTRICTED_PLACEHOLDERS
                    .iter()
                    .find(|(known, _)| *known == name)
                    .map(|(_, excluded)| *excluded);
                out.extend(
                    value
                        .chars()
                        .filter(|ch| !restricted.is_some_and(|excluded| excluded.contains(*ch))),
                );
                rest = &inner[end + 1..];
            } else {
                let ch = rest.chars().next().expect("not empty");
                out.push(ch);
                rest = &rest[ch.len_utf8()..];
            }
        }
        out
    }

    fn small_pattern() -> impl Strategy<Value = String> {
        "[ab:*?]{0,10}"
    }

    fn small_text() -> impl Strategy<Value = String> {
        "[ab:]{0,12}"
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn literal_action_matches_only_itself_ignoring_case(
            pattern in "[a-zA-Z0-9:]{1,16}",
            text in "[a-zA-Z0-9:]{0,16}",
        ) {
            let compiled = Pattern::compile(&pattern, ACTION);
            prop_assert!(compiled.matches(&pattern.to_lowercase()));
            prop_assert!(compiled.matches(&pattern.to_uppercase().to_lowercase()));
            prop_assert_eq!(
                compiled.matches(&text.to_lowercase()),
                pattern.eq_ignore_ascii_case(&text)
            );
        }

        #[test]
        fn star_matches_everything(text in any::<String>()) {
            prop_assert!(Pattern::compile("*", RESOURCE).matches(&text));
            prop_assert!(Pattern::compile("*", RESOURCE).matches_arn_with(&text, &NoVariables));
            prop_assert!(Pattern::compile("*", ACTION).matches(&text.to_lowercase()));
        }

        #[test]
        fn glob_agrees_with_regex(pattern in small_pattern(), text in small_text()) {
            let expected = reference_glob(&pattern, false).is_match(&text);
            prop_assert_eq!(Pattern::compile(&pattern, RESOURCE).matches(&text), expected);
        }

        #[test]
        fn glob_agrees_with_regex_on_any_unicode(pattern in "[a\u{e9}\u{1F600}*?]{0,8}", text in "[a\u{e9}\u{1F600}]{0,10}") {
            let expected = reference_glob(&pattern, false).is_match(&text);
            prop_assert_eq!(Pattern::compile(&pattern, RESOURCE).matches(&text), expected);
        }

        #[test]
        fn action_glob_agrees_with_case_insensitive_regex(
            pattern in "[aBc:*?]{0,10}",
            text in "[AbC:]{0,12}",
        ) {
            let expected = reference_glob(&pattern, true).is_match(&text);
            let compiled = Pattern::compile(&pattern, ACTION);
            prop_assert_eq!(compiled.matches(&text.to_lowercase()), expected);
        }

        #[test]
        fn arn_match_agrees_with_segment_regex(pattern in small_pattern(), text in small_text()) {
            let expected = reference_arn(&pattern).is_match(&text);
            prop_assert_eq!(
                Pattern::compile(&pattern, RESOURCE).matches_arn_with(&text, &NoVariables),
                expected
            );
        }

        #[test]
        fn a_pattern_matches_its_instances(
            pattern in small_pattern(),
            fillers in proptest::collection::vec("[ab]{0,3}", 1..4),
        ) {
            let text = instantiate(&pattern, &fillers);
            prop_assert!(Pattern::compile(&pattern, RESOURCE).matches(&text));
        }

        #[test]
        fn cover_is_sound(
            outer in small_pattern(),
            inner in small_pattern(),
            fillers in proptest::collection::vec("[ab:]{0,3}", 1..4),
            text in small_text(),
        ) {
            let outer_pattern = Pattern::compile(&outer, RESOURCE);
            let inner_pattern = Pattern::compile(&inner, RESOURCE);
            if inner_pattern.covered_by(&outer_pattern, false) {
                let instance = instantiate(&inner, &fillers);
                prop_assert!(outer_pattern.matches(&instance), "{outer} should match {instance}");
                if inner_pattern.matches(&text) {
                    prop_assert!(outer_pattern.matches(&text), "{outer} should match {text}");
                }
            }
            if inner_pattern.covered_by(&outer_pattern, true) {
                for candidate in [instantiate(&inner, &fillers), text.clone()] {
                    if inner_pattern.matches_arn_with(&candidate, &NoVariables) {
                        prop_assert!(
                            outer_pattern.matches_arn_with(&candidate, &NoVariables),
                            "{outer} should match {candidate} as an ARN"
                        );
                    }
                }
            }
        }

        #[test]
        fn overlap_is_never_missed(left in small_pattern(), right in small_pattern(), text in small_text()) {
            let left_pattern = Pattern::compile(&left, RESOURCE);
            let right_pattern = Pattern::compile(&right, RESOURCE);
            if left_pattern.matches(&text) && right_pattern.matches(&text) {
                prop_assert!(left_pattern.may_overlap(&right_pattern));
                prop_assert!(right_pattern.may_overlap(&left_pattern));
            }
        }

        #[test]
        fn format_match_never_misses_an_arn(
            pattern in "[ab:/*?]{0,10}",
            format in arn_format(),
            // No colon in a variable's value: these short formats have no ARN segments, and a
            // colon would add one (`${ObjectName}:` filled with `:` is `::`, three segments),
            // where in a real ARN a resource part's colons stay within its last segment.
            fillers in proptest::collection::vec("[ab/]{0,3}", 1..4),
        ) {
            let compiled = ArnFormat::parse(&format);
            let arn = instantiate_format(&format, &fillers);
            let resource = Pattern::compile(&pattern, RESOURCE);
            if resource.matches_arn_with(&arn, &NoVariables) {
                prop_assert!(
                    resource.may_match_format(&compiled),
                    "{pattern} matches {arn}, an ARN of {format}"
                );
            }
            if resource.covers_format(&compiled) {
                prop_assert!(
                    resource.matches_arn_with(&arn, &NoVariables),
                    "{pattern} should match {arn}, an ARN of {format}"
                );
            }
        }

        #[test]
        fn a_pattern_covers_itself(pattern in small_pattern()) {
            let compiled = Pattern::compile(&pattern, RESOURCE);
            prop_assert!(compiled.covered_by(&compiled, false));
            prop_assert!(compiled.covered_by(&compiled, true));
        }
    }
}
