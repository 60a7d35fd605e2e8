//! `--checks` / `--skip-checks`: which checks run. Patterns are globs over ids and names.

use globset::{GlobBuilder, GlobMatcher};
use ztaudit_checks::{Check, CheckMeta};

#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    #[error("invalid check pattern `{pattern}`: {source}")]
    Pattern {
        pattern: String,
        source: globset::Error,
    },
    #[error("`{0}` matches no check (see `ztaudit checks`)")]
    NoMatch(String),
    #[error("the check selection is empty")]
    Empty,
}

/// The checks of `all` that `include` (everything when empty) selects and `exclude` does not.
/// A pattern that matches no check is an error: a typo must not silently skip a check.
pub fn select(
    all: &'static [&'static dyn Check],
    include: &[String],
    exclude: &[String],
) -> Result<Vec<&'static dyn Check>, SelectionError> {
    let include = matchers(all, include)?;
    let exclude = matchers(all, exclude)?;
    let selected: Vec<&'static dyn Check> = all
        .iter()
        .copied()
        .filter(|check| include.is_empty() || include.iter().any(|m| matches(m, check.meta())))
        .filter(|check| !exclude.iter().any(|m| matches(m, check.meta())))
        .collect();
    if selected.is_empty() {
        return Err(SelectionError::Empty);
    }
    Ok(selected)
}

fn matchers(all: &[&dyn Check], patterns: &[String]) -> Result<Vec<GlobMatcher>, SelectionError> {
    patterns
        .iter()
        .map(|pattern| pattern.trim())
        .filter(|pattern| !pattern.is_empty())
        .map(|pattern| {
            let matcher = GlobBuilder::new(pattern)
                .case_insensitive(true)
                .build()
                .map_err(|source| SelectionError::Pattern {
                    pattern: pattern.to_owned(),
                    source,
                })?
                .compile_matcher();
            if all.iter().any(|check| matches(&matcher, check.meta())) {
                Ok(matcher)
            } else {
                Err(SelectionError::NoMatch(pattern.to_owned()))
            }
        })
        .collect()
}

fn matches(matcher: &GlobMatcher, meta: &CheckMeta) -> bool {
    matcher.is_match(meta.id) || matcher.is_match(meta.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ztaudit_checks::CHECKS;

    fn ids(checks: &[&dyn Check]) -> Vec<&'static str> {
        checks.iter().map(|c| c.meta().id).collect()
    }

    #[test]
    fn globs_match_ids_and_names_in_any_case() {
        let picked = select(
            CHECKS,
            &["zt30*".into()],
            &["default-*".into(), "Client-VPN-*".into()],
        )
        .unwrap();
        assert_eq!(ids(&picked), ["ZT301", "ZT303", "ZT304", "ZT305", "ZT309"]);
    }

    #[test]
    fn a_pattern_matching_nothing_is_an_error() {
        assert!(matches!(
            select(CHECKS, &["ZT999".into()], &[]),
            Err(SelectionError::NoMatch(p)) if p == "ZT999"
        ));
    }
}
