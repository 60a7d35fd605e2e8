//! `--checks` / `--skip-checks` (and the same keys of `ztaudit.toml`): which checks run.
//! Patterns are globs over ids and names.

use ztaudit_checks::registry::{CheckPattern, PatternError};
use ztaudit_checks::Check;

#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    #[error(transparent)]
    Pattern(#[from] PatternError),
    #[error("the check selection is empty")]
    Empty,
}

/// The checks of `all` that `include` (everything when empty) selects and `exclude` does not.
pub fn select(
    all: &'static [&'static dyn Check],
    include: &[CheckPattern],
    exclude: &[CheckPattern],
) -> Result<Vec<&'static dyn Check>, SelectionError> {
    let selected: Vec<&'static dyn Check> = all
        .iter()
        .copied()
        .filter(|check| include.is_empty() || include.iter().any(|p| p.matches(check.meta())))
        .filter(|check| !exclude.iter().any(|p| p.matches(check.meta())))
        .collect();
    if selected.is_empty() {
        return Err(SelectionError::Empty);
    }
    Ok(selected)
}

/// The patterns of `--checks` or `--skip-checks`; blank ones are ignored. A pattern that
/// matches no check is an error: a typo must not silently skip a check.
pub fn patterns(texts: &[String]) -> Result<Vec<CheckPattern>, PatternError> {
    texts
        .iter()
        .filter(|text| !text.trim().is_empty())
        .map(|text| CheckPattern::new(text))
        .collect()
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
            &patterns(&["zt30*".into()]).unwrap(),
            &patterns(&["default-*".into(), "Client-VPN-*".into()]).unwrap(),
        )
        .unwrap();
        assert_eq!(ids(&picked), ["ZT301", "ZT303", "ZT304", "ZT305", "ZT309"]);
    }

    #[test]
    fn a_pattern_matching_nothing_is_an_error() {
        assert!(matches!(
            patterns(&["ZT999".into()]),
            Err(PatternError::NoMatch(p)) if p == "ZT999"
        ));
        assert!(matches!(
            select(CHECKS, &[], &patterns(&["*".into()]).unwrap()),
            Err(SelectionError::Empty)
        ));
    }
}
