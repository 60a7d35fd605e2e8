//! Organization scans against an organization seeded in moto (`tests/seed/organization_scan.py`:
//! the management account and five members in OUs Prod and Dev, SCPs at three levels,
//! weaknesses planted in prod-a and dev-b): findings per account, coverage, exit codes, one
//! account whose role cannot be assumed, shards and their merge, the shard variables of AWS
//! Batch and Kubernetes, and `collect --organization` read back by `scan --snapshot DIR`.
//!
//! moto answers `sts:AssumeRole` into any role of any account, so the refused role is made by
//! the loopback fault proxy (`fault_proxy.rs`), which answers AccessDenied to the AssumeRole
//! request of that one role ARN (matched on the request body) and forwards everything else.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::fault_proxy::{Fault, FaultProxy, Rule, Schedule, Target};
use crate::support::{findings, run_json_scan, stdout_json, write_json, Moto, JSON_SCAN};

const ROLE: &str = "ZtauditAudit";

/// Few checks keep each account's scan short: the two planted weaknesses, and the governance
/// checks, which read the organization's view of each member.
const CHECKS: &str = "ZT103,ZT301,ZT802,ZT803";

fn account<'a>(seeded: &'a Value, name: &str) -> &'a str {
    seeded["accounts"][name]
        .as_str()
        .unwrap_or_else(|| panic!("no account {name} in {seeded}"))
}

/// An organization scan of `moto`'s organization (reached at `endpoint`), JSON, ungated.
fn org_scan(moto: &Moto, endpoint: &str, extra: &[&str]) -> assert_cmd::Command {
    org_scan_with(moto, endpoint, &JSON_SCAN, extra)
}

/// An organization scan with `scan` as the command and its format and gate.
fn org_scan_with(
    moto: &Moto,
    endpoint: &str,
    scan: &[&str],
    extra: &[&str],
) -> assert_cmd::Command {
    let mut cmd = moto.ztaudit();
    cmd.env("AWS_ENDPOINT_URL", endpoint)
        .env("ZTAUDIT_MAX_ATTEMPTS", "1")
        .args(scan)
        .args(["--organization", "--role-name", ROLE])
        .args(["--region", "us-east-1", "--checks", CHECKS])
        .args(extra);
    cmd
}

fn coverage_of<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["coverage"]["accounts"]
        .as_array()
        .expect("coverage accounts")
        .iter()
        .find(|account| account["id"] == id)
        .unwrap_or_else(|| panic!("account {id} not in the coverage: {}", report["coverage"]))
}

fn statuses_of<'a>(report: &'a Value, check: &str, account: &str) -> Vec<&'a str> {
    findings(report)
        .iter()
        .filter(|f| f["check_id"] == check && f["account"] == account)
        .map(|f| f["status"].as_str().unwrap_or_default())
        .collect()
}

/// What identifies a report's findings and verdicts, for comparing two runs.
fn verdicts(report: &Value) -> BTreeSet<(String, String, String)> {
    findings(report)
        .iter()
        .map(|f| {
            (
                f["fingerprint"].as_str().unwrap_or_default().to_owned(),
                f["status"].as_str().unwrap_or_default().to_owned(),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn an_organization_scan_judges_every_account_and_one_refused_role_fails_only_that_account() {
    let moto = Moto::start();
    let seeded = moto.seed("organization_scan.py");
    let (prod_a, dev_a, dev_b) = (
        account(&seeded, "prod-a"),
        account(&seeded, "dev-a"),
        account(&seeded, "dev-b"),
    );
    let refused = format!("arn:aws:iam::{dev_a}:role/{ROLE}");
    let proxy = FaultProxy::start(
        &moto.endpoint,
        vec![Rule {
            target: Target::OperationWithBody("AssumeRole", refused.clone()),
            schedule: Schedule::Always,
            faults: vec![Fault::AccessDenied],
        }],
    );

    let scanned = run_json_scan(&mut org_scan(&moto, &proxy.endpoint, &[]));
    let report = &scanned.report;
    assert_eq!(scanned.code(), Some(3), "an account failed: incomplete");
    assert!(proxy.denied() >= 1, "the proxy refused the role");

    // Coverage: the management account and the five members, one failed, with names and OUs.
    let accounts = report["coverage"]["accounts"].as_array().expect("coverage");
    assert_eq!(accounts.len(), 6, "{accounts:?}");
    assert_eq!(
        report["coverage"]["selection"].as_array().map(Vec::len),
        Some(6)
    );
    let failed = coverage_of(report, dev_a);
    assert_eq!(failed["status"], "failed");
    let reason = failed["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("sts:AssumeRole") && reason.contains(&refused),
        "{reason}"
    );
    assert_eq!(failed["name"], "dev-a");
    assert_eq!(failed["ou_path"], "Root/Dev");
    let prod = coverage_of(report, prod_a);
    assert_eq!(prod["status"], "scanned");
    assert_eq!(prod["ou_path"], "Root/Prod");
    assert_eq!(prod["tags"]["Team"], "payments");
    assert_eq!(coverage_of(report, "123456789012")["status"], "scanned");

    // Findings per account: each weakness where it was planted, and nowhere else.
    // prod-a's default groups PASS; its one planted group is its one FAIL.
    let prod_a_groups = statuses_of(report, "ZT301", prod_a);
    assert_eq!(
        prod_a_groups.iter().filter(|s| **s == "FAIL").count(),
        1,
        "{prod_a_groups:?}"
    );
    assert!(findings(report).iter().any(|f| f["check_id"] == "ZT301"
        && f["status"] == "FAIL"
        && f["resource"]
            .as_str()
            .is_some_and(|r| r.ends_with(seeded["open_ssh_groups"]["prod-a"].as_str().unwrap()))));
    assert!(statuses_of(report, "ZT103", dev_b).contains(&"FAIL"));
    for clean in ["prod-b", "sandbox"] {
        let id = account(&seeded, clean);
        assert!(
            !statuses_of(report, "ZT301", id).contains(&"FAIL"),
            "{clean}"
        );
        assert!(
            !statuses_of(report, "ZT103", id).contains(&"FAIL"),
            "{clean}"
        );
    }
    // The refused account: every check ERROR, naming the account and the reason.
    let refused_findings: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| f["account"] == dev_a)
        .collect();
    assert_eq!(refused_findings.len(), CHECKS.split(',').count());
    for finding in refused_findings {
        assert_eq!(finding["status"], "ERROR");
        let message = finding["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("dev-a") && message.contains("AssumeRole"),
            "{message}"
        );
    }
    // The organization's view of members comes from the management account: their SCP paths
    // are read (a member's own credentials are refused them), so ZT803 judges them.
    for member in ["prod-a", "prod-b", "dev-b", "sandbox"] {
        let statuses = statuses_of(report, "ZT803", account(&seeded, member));
        assert!(
            statuses.iter().all(|s| *s == "PASS" || *s == "FAIL") && !statuses.is_empty(),
            "{member}: {statuses:?}"
        );
    }

    // The gate still trips on the critical ZT301 of prod-a: exit 1 beats exit 3.
    let gated = org_scan_with(
        &moto,
        &proxy.endpoint,
        &["scan", "--format", "json", "--fail-on", "critical"],
        &[],
    )
    .output()
    .expect("runs");
    assert_eq!(gated.status.code(), Some(1), "{gated:?}");
    // The table prints the coverage, the failed account with its reason.
    let table = org_scan_with(
        &moto,
        &proxy.endpoint,
        &["scan", "--format", "table", "--fail-on", "never"],
        &["--width", "0"],
    )
    .output()
    .expect("runs");
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("ACCOUNTS · 5 scanned, 1 failed"), "{text}");
    // SARIF, OCSF and JUnit carry the account's name beside its id.
    for (format, name) in [
        ("sarif", "\"accountName\": \"prod-a\""),
        ("ocsf", "\"name\": \"prod-a\""),
        ("junit", &format!("prod-a ({prod_a})")),
    ] {
        let out = org_scan_with(
            &moto,
            &proxy.endpoint,
            &["scan", "--format", format, "--fail-on", "never"],
            &[],
        )
        .output()
        .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let compact: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            compact.contains(name) || text.contains(name),
            "{format}: no {name}"
        );
    }
    assert!(text
        .lines()
        .any(|line| line.contains(dev_a) && line.contains("failed")));
}

#[test]
fn selection_by_ou_tag_and_exclusion_and_unknown_ids_refused_before_any_scan() {
    let moto = Moto::start();
    let seeded = moto.seed("organization_scan.py");
    let prod_ou = seeded["ous"]["Prod"].as_str().expect("Prod OU");
    let scanned = run_json_scan(&mut org_scan(
        &moto,
        &moto.endpoint,
        &[
            "--ou",
            prod_ou,
            "--exclude-accounts",
            account(&seeded, "prod-b"),
        ],
    ));
    let report = &scanned.report;
    assert_eq!(
        report["coverage"]["selection"],
        serde_json::json!([account(&seeded, "prod-a")])
    );
    assert_eq!(
        coverage_of(report, account(&seeded, "prod-b"))["status"],
        "excluded"
    );
    assert_eq!(
        coverage_of(report, account(&seeded, "dev-a"))["reason"],
        "not under --ou"
    );

    let tagged = run_json_scan(&mut org_scan(
        &moto,
        &moto.endpoint,
        &["--account-tag", "Team=search"],
    ));
    let selection: BTreeSet<&str> = tagged.report["coverage"]["selection"]
        .as_array()
        .expect("selection")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        selection,
        BTreeSet::from([account(&seeded, "prod-b"), account(&seeded, "dev-b")])
    );

    for (flag, value, says) in [
        (
            "--accounts",
            "999999999999",
            "999999999999 is not in the organization",
        ),
        ("--ou", "ou-zzzz-zzzzzzzz", "ou-zzzz-zzzzzzzz is not an OU"),
    ] {
        let out = org_scan(&moto, &moto.endpoint, &[flag, value])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

/// Runs `scan --shard K/3` (or with `env`) into `dir/NAME.json` and returns the path.
fn shard_report(
    moto: &Moto,
    dir: &Path,
    name: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::path::PathBuf {
    let path = dir.join(format!("{name}.json"));
    let mut cmd = org_scan(moto, &moto.endpoint, args);
    cmd.envs(env.iter().copied())
        .args(["-o", path.to_str().expect("UTF-8")]);
    let out = cmd.output().expect("runs");
    assert!(matches!(out.status.code(), Some(0 | 3)), "{out:?}");
    path
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON")
}

fn selected_ids(report: &Value) -> Vec<String> {
    report["coverage"]["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .filter(|a| a["status"] == "scanned" || a["status"] == "failed")
        .map(|a| a["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn three_shards_merged_give_exactly_the_unsharded_scan_and_merge_refuses_mismatches() {
    let moto = Moto::start();
    moto.seed("organization_scan.py");
    let dir = tempfile::tempdir().expect("temporary folder");
    let whole = read(&shard_report(&moto, dir.path(), "whole", &[], &[]));
    let shards: Vec<_> = (0..3)
        .map(|k| {
            shard_report(
                &moto,
                dir.path(),
                &format!("shard-{k}"),
                &["--shard", &format!("{k}/3")],
                &[],
            )
        })
        .collect();
    let first = read(&shards[0]);
    assert_eq!(
        first["coverage"]["shard"],
        serde_json::json!({"index": 0, "count": 3})
    );
    assert_eq!(
        first["coverage"]["selection"],
        whole["coverage"]["selection"]
    );

    let merge = |paths: &[&Path], extra: &[&str]| {
        let mut cmd = moto.ztaudit();
        cmd.arg("merge").args(paths).args(extra);
        cmd.output().expect("runs")
    };
    let paths: Vec<&Path> = shards.iter().map(|p| p.as_path()).collect();
    let merged = merge(&paths, &["--format", "json", "--fail-on", "never"]);
    assert_eq!(merged.status.code(), Some(0), "{merged:?}");
    let merged = stdout_json(&merged);
    assert_eq!(verdicts(&merged), verdicts(&whole));
    assert_eq!(merged["summary"], whole["summary"]);
    assert_eq!(merged["score"], whole["score"]);
    assert_eq!(
        merged["coverage"]["accounts"],
        whole["coverage"]["accounts"]
    );
    // Every format renders the merged report; the gate is the merge's own.
    let gated = merge(&paths, &["--fail-on", "critical"]);
    assert_eq!(gated.status.code(), Some(1), "{gated:?}");
    assert!(String::from_utf8_lossy(&gated.stdout).contains("ACCOUNTS · 6 scanned, 0 failed"));

    // A shard missing: its accounts are `missing`, exit 3.
    let partial = merge(&paths[..2], &["--format", "json", "--fail-on", "never"]);
    assert_eq!(partial.status.code(), Some(3));
    let partial = stdout_json(&partial);
    let missing: Vec<String> = selected_ids(&read(&shards[2]));
    for id in &missing {
        assert_eq!(coverage_of(&partial, id)["status"], "missing");
    }

    // Refusals: one line naming the file, exit 2, nothing on stdout.
    let other_checks = shard_report(
        &moto,
        dir.path(),
        "other-checks",
        // `--checks` adds to the list `org_scan` gives; skipping one makes another set.
        &["--shard", "2/3", "--skip-checks", "ZT803"],
        &[],
    );
    let other_selection = shard_report(
        &moto,
        dir.path(),
        "other-selection",
        &["--shard", "2/3", "--exclude-accounts", "123456789012"],
        &[],
    );
    let mut other_version = read(&shards[2]);
    other_version["tool"]["version"] = Value::from("0.0.1");
    let other_version = write_json(dir.path(), "other-version.json", &other_version);
    let single = dir.path().join("single.json");
    let out = moto
        .ztaudit()
        .args([
            "scan",
            "--format",
            "json",
            "--region",
            "us-east-1",
            "--checks",
            "ZT301",
        ])
        .args(["-o", single.to_str().expect("UTF-8")])
        .output()
        .expect("runs");
    assert!(matches!(out.status.code(), Some(0 | 1 | 3)));
    for (bad, says) in [
        (other_checks.as_path(), "other checks"),
        (other_selection.as_path(), "another selection"),
        (other_version.as_path(), "0.0.1"),
        (single.as_path(), "no coverage"),
        (shards[0].as_path(), "given twice"),
    ] {
        let out = merge(&[paths[0], paths[1], bad], &["--format", "json"]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&bad.display().to_string()) && stderr.contains(says),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
}

/// The README's recipes, as far as this machine can run them: each engine's variables choose
/// the shard the flag would, and the recipes' merge step combines their outputs.
#[test]
fn batch_and_kubernetes_variables_choose_the_shard_and_their_reports_merge() {
    let moto = Moto::start();
    moto.seed("organization_scan.py");
    let dir = tempfile::tempdir().expect("temporary folder");
    let by_flag = read(&shard_report(
        &moto,
        dir.path(),
        "flag",
        &["--shard", "1/3"],
        &[],
    ));
    let batch = shard_report(
        &moto,
        dir.path(),
        "batch-1",
        &[],
        &[
            ("AWS_BATCH_JOB_ARRAY_INDEX", "1"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "3"),
        ],
    );
    let kubernetes = shard_report(
        &moto,
        dir.path(),
        "k8s-1",
        &["--shard", "3"],
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    for path in [&batch, &kubernetes] {
        let report = read(path);
        assert_eq!(
            report["coverage"]["shard"], by_flag["coverage"]["shard"],
            "{path:?}"
        );
        assert_eq!(selected_ids(&report), selected_ids(&by_flag), "{path:?}");
    }
    // The recipes' merge step: the Kubernetes job's three outputs.
    let outputs: Vec<_> = ["0", "2"]
        .iter()
        .map(|k| {
            shard_report(
                &moto,
                dir.path(),
                &format!("k8s-{k}"),
                &["--shard", "3"],
                &[("JOB_COMPLETION_INDEX", k)],
            )
        })
        .chain([kubernetes.clone()])
        .collect();
    let html = dir.path().join("merged.html");
    let out = moto
        .ztaudit()
        .arg("merge")
        .args(&outputs)
        .args([
            "--format",
            "html",
            "-o",
            html.to_str().expect("UTF-8"),
            "--fail-on",
            "never",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let page = std::fs::read_to_string(&html).expect("the merged page");
    assert!(
        page.contains("prod-a") && page.contains("Root/Dev"),
        "the account filter"
    );

    // A variable that is not a number is a usage error before any call.
    let out = org_scan(&moto, &moto.endpoint, &[])
        .env("AWS_BATCH_JOB_ARRAY_INDEX", "one")
        .env("AWS_BATCH_JOB_ARRAY_SIZE", "3")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("AWS_BATCH_JOB_ARRAY_INDEX"));
}

#[test]
fn collect_organization_writes_one_snapshot_per_account_that_scan_reads_back() {
    let moto = Moto::start();
    let seeded = moto.seed("organization_scan.py");
    let dir = tempfile::tempdir().expect("temporary folder");
    let folder = dir.path().join("snapshots");
    let out = moto
        .ztaudit()
        .env("ZTAUDIT_MAX_ATTEMPTS", "1")
        .args([
            "collect",
            "--organization",
            "--role-name",
            ROLE,
            "--region",
            "us-east-1",
        ])
        .args(["-o", folder.to_str().expect("UTF-8")])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let written: BTreeSet<String> = std::fs::read_dir(&folder)
        .expect("the folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let expected: BTreeSet<String> = seeded["accounts"]
        .as_object()
        .expect("accounts")
        .values()
        .filter_map(Value::as_str)
        .chain(["123456789012"])
        .map(|id| format!("{id}.json"))
        .collect();
    assert_eq!(written, expected);

    let live = run_json_scan(&mut org_scan(&moto, &moto.endpoint, &[]));
    let mut from_files = moto.ztaudit();
    from_files.args(JSON_SCAN).args([
        "--checks",
        CHECKS,
        "--snapshot",
        folder.to_str().expect("UTF-8"),
    ]);
    let from_files = run_json_scan(&mut from_files);
    assert_eq!(verdicts(&from_files.report), verdicts(&live.report));
    assert_eq!(
        coverage_of(&from_files.report, account(&seeded, "prod-a"))["ou_path"],
        "Root/Prod"
    );
}

/// Every account flag with a wrong value: one line, exit 2, before any call (no endpoint is
/// listening), and nothing written.
#[test]
fn bad_account_flags_are_one_line_usage_errors_before_any_call() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let output = dir.path().join("report.json");
    let output = output.to_str().expect("UTF-8");
    let org = ["--organization", "--role-name", ROLE];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        ([&org[..], &["--shard", "2/2"]].concat(), "--shard"),
        ([&org[..], &["--shard", "0/0"]].concat(), "--shard"),
        ([&org[..], &["--shard", "one/3"]].concat(), "--shard"),
        (
            [&org[..], &["--shard", "3"]].concat(),
            "JOB_COMPLETION_INDEX",
        ),
        ([&org[..], &["--accounts", "12345"]].concat(), "12345"),
        (
            [&org[..], &["--exclude-accounts", "x"]].concat(),
            "account id",
        ),
        (
            [&org[..], &["--ou", "Prod"]].concat(),
            "organizational unit",
        ),
        ([&org[..], &["--account-tag", "Team"]].concat(), "KEY=VALUE"),
        (
            [&org[..], &["--account-concurrency", "0"]].concat(),
            "account concurrency",
        ),
        (
            [&org[..], &["--role-path", "security"]].concat(),
            "IAM path",
        ),
        (
            [&org[..], &["--role-session-name", "x"]].concat(),
            "session name",
        ),
        (
            [&org[..], &["--external-id", "a b"]].concat(),
            "external id",
        ),
        (vec!["--organization", "--role-name", "a/b"], "role name"),
        (vec!["--organization"], "--role-name"),
        (
            vec!["--role-name", ROLE],
            "needs --organization or --accounts",
        ),
        (
            vec![
                "--accounts",
                "123456789012",
                "--ou",
                "r-ab12",
                "--role-name",
                ROLE,
            ],
            "--organization",
        ),
    ];
    for (args, says) in cases {
        let out = crate::support::ztaudit()
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .args(["scan", "--format", "json", "-o", output])
            .args(&args)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(lines.iter().any(|l| l.contains(says)), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("GetCallerIdentity") && !stderr.contains("dispatch"),
            "{args:?} made a call: {stderr}"
        );
        assert!(!Path::new(output).exists(), "{args:?} wrote the report");
    }
}
