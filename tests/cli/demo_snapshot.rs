//! Golden reports of the bundled demo snapshot (`fixtures/snapshots/demo-account.json`): the
//! README's first look, and the exact table and JSON layouts.

use crate::support::{demo_scan, demo_snapshot, findings, stdout_json, write_text, ztaudit};

/// The table as a CI log gets it: standard output is no terminal and `COLUMNS` is not set,
/// so it wraps at 120 columns, only in the Finding column.
#[test]
fn demo_table_report() {
    let output = ztaudit()
        .args(["scan", "--snapshot"])
        .arg(demo_snapshot())
        .output()
        .expect("scan");
    assert_eq!(
        output.status.code(),
        Some(1),
        "the demo account has critical failures"
    );
    let text = String::from_utf8_lossy(&output.stdout);
    for line in table_lines(&text) {
        assert!(line.chars().count() <= 120, "{line}");
    }
    insta::assert_snapshot!(text);
}

fn table_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|line| line.starts_with(['┌', '│', '╞', '├', '└']))
}

/// The demo's table with `--width WIDTH`, as printed.
fn demo_table_at(width: &str) -> String {
    let output = ztaudit()
        .args(["scan", "--width", width, "--snapshot"])
        .arg(demo_snapshot())
        .output()
        .expect("scan");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `--width 0`: no limit, one line per finding however long.
#[test]
fn demo_table_without_a_width_limit() {
    let text = demo_table_at("0");
    assert!(
        table_lines(&text).any(|line| line.chars().count() > 200),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

/// Off a terminal `COLUMNS` is the width, when it is a number; `--width` wins over it.
#[test]
fn off_a_terminal_the_table_honours_columns_and_the_flag() {
    let widest = |args: &[&str], columns: &str| {
        let output = ztaudit()
            .env("COLUMNS", columns)
            .args(["scan", "--snapshot"])
            .arg(demo_snapshot())
            .args(args)
            .output()
            .expect("scan");
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        table_lines(&text)
            .map(|line| line.chars().count())
            .max()
            .unwrap_or_default()
    };
    assert_eq!(widest(&[], "90"), 90);
    assert_eq!(widest(&[], "not a number"), 120);
    assert_eq!(widest(&["--width", "100"], "90"), 100);
}

#[test]
fn a_width_too_narrow_for_the_table_is_refused() {
    ztaudit()
        .args(["scan", "--width", "12", "--snapshot"])
        .arg(demo_snapshot())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--width 12"));
}

/// ZT101's message shows five actions of each granting statement; the JSON finding lists
/// every (action, statement) pair, so "and 77 more" loses nothing.
#[test]
fn the_grouped_zt101_message_keeps_every_action_in_the_json() {
    let output = demo_scan("json").output().expect("scan");
    let report = stdout_json(&output);
    let alice = findings(&report)
        .iter()
        .find(|f| {
            f["check_id"] == "ZT101"
                && f["resource"]
                    .as_str()
                    .is_some_and(|r| r.ends_with(":user/alice"))
        })
        .cloned()
        .expect("ZT101 on alice");
    let message = alice["message"].as_str().expect("a message");
    assert!(
        message.contains(
            "82 sensitive actions allowed without MFA, with long-term access keys and with \
             temporary credentials obtained without MFA — inline policy admin of user alice, \
             statement 0: iam:CreateUser, "
        ) && message.contains(" and 77 more"),
        "{message}"
    );
    let pairs = alice["details"]["allowed_actions"]
        .as_array()
        .expect("the allowed actions");
    assert_eq!(pairs.len(), 82, "{pairs:#?}");
    assert_eq!(
        pairs[0],
        serde_json::json!({
            "action": "iam:CreateUser",
            "policy": "inline policy admin of user alice",
            "statement": 0
        })
    );
}

#[test]
fn demo_json_report() {
    let output = demo_scan("json").output().expect("scan");
    let report = stdout_json(&output);
    // The two failed calls of the demo are ERROR findings, never a PASS.
    let errors: Vec<(&str, &str)> = findings(&report)
        .iter()
        .filter(|f| f["status"] == "ERROR")
        .filter_map(|f| Some((f["check_id"].as_str()?, f["message"].as_str()?)))
        .collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[0].0, "ZT116");
    assert!(errors[0]
        .1
        .contains("secretsmanager:ListSecrets in ap-southeast-2"));
    assert_eq!(errors[1].0, "ZT601");
    assert!(errors[1].1.contains("ec2:DescribeFlowLogs"));
    insta::assert_json_snapshot!(report);
}

#[test]
fn the_report_written_to_a_file_matches_stdout() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = write_text(dir.path(), "report.json", "an older report");
    demo_scan("json")
        .args(["--fail-on", "never"])
        .arg("--output")
        .arg(&out)
        .assert()
        .code(3)
        .stdout("");
    let stdout = demo_scan("json").output().expect("scan");
    assert_eq!(std::fs::read(&out).expect("report written"), stdout.stdout);
    // The temporary file of the atomic write is gone.
    assert_eq!(std::fs::read_dir(dir.path()).expect("listable").count(), 1);
}

#[test]
fn check_selection_by_glob_and_skip() {
    let output = demo_scan("json")
        .args(["--checks", "ZT3*", "--skip-checks", "ZT302"])
        .output()
        .expect("scan");
    let report = stdout_json(&output);
    let mut ran: Vec<&str> = findings(&report)
        .iter()
        .filter_map(|f| f["check_id"].as_str())
        .collect();
    ran.dedup();
    assert_eq!(
        ran,
        [
            "ZT301", "ZT303", "ZT304", "ZT305", "ZT306", "ZT307", "ZT308", "ZT309", "ZT310",
            "ZT311", "ZT312", "ZT313", "ZT314"
        ]
    );
}

/// The README's first screen is an excerpt of what the demo command prints at `--width 100`:
/// every line it shows (but the `…` marking what is left out) is a line of the real output.
#[test]
fn the_readme_first_screen_is_the_demo_output() {
    let readme =
        std::fs::read_to_string(crate::support::workspace().join("README.md")).expect("README");
    let start = readme
        .find("```text\n")
        .expect("the README shows the demo's output")
        + 8;
    let excerpt = &readme[start..start + readme[start..].find("```").expect("a closed block")];
    let printed = demo_table_at("100");
    let printed: Vec<&str> = printed.lines().collect();
    let shown: Vec<&str> = excerpt
        .lines()
        .filter(|line| !line.is_empty() && *line != "…")
        .collect();
    assert!(shown.len() > 10, "{excerpt}");
    for line in shown {
        assert!(printed.contains(&line), "not in the demo's output: {line}");
    }
}
