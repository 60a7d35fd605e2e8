//! Test support: a moto server per test, the binary with an environment that can only reach
//! that server, snapshot files written into a fresh temporary folder, and the JSON scans and
//! report lookups the end-to-end tests share.

use std::fmt;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, with no AWS configuration from the machine it runs on.
pub fn ztaudit() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("ztaudit").expect("the ztaudit binary is built");
    for var in [
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_DEFAULT_PROFILE",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        // The table's width off a terminal: tests set it when they mean to.
        "COLUMNS",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/ztaudit-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/ztaudit-test/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .current_dir(workspace());
    cmd
}

/// A moto server on a free loopback port, stopped when dropped.
pub struct Moto {
    child: Child,
    pub endpoint: String,
}

/// Where `scripts/test` installs moto; `ZTAUDIT_MOTO_VENV` overrides it.
pub fn moto_venv() -> PathBuf {
    std::env::var_os("ZTAUDIT_MOTO_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(".moto-venv"))
}

impl Moto {
    pub fn start() -> Moto {
        Moto::start_with_env(&[])
    }

    /// A moto server with extra environment (moto's own settings, such as
    /// `MOTO_IAM_LOAD_MANAGED_POLICIES`).
    pub fn start_with_env(env: &[(&str, &str)]) -> Moto {
        let venv = moto_venv();
        let server = venv.join("bin/moto_server");
        assert!(
            server.exists(),
            "moto is not installed at {}: run the tests with `scripts/test`, which installs it",
            venv.display()
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        let child = Command::new(server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not start within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    /// This server, once every seed script of `scripts` has run against it.
    pub fn seeded(self, scripts: &[&str]) -> Moto {
        for script in scripts {
            self.seed(script);
        }
        self
    }

    /// Runs a seed script from `tests/seed/` against this server and returns what it printed.
    pub fn seed(&self, script: &str) -> Value {
        self.seed_with_args(script, &[])
    }

    /// Runs a seed script with arguments after the endpoint.
    pub fn seed_with_args(&self, script: &str, args: &[&str]) -> Value {
        let output = Command::new(moto_venv().join("bin/python"))
            .arg(workspace().join("tests/seed").join(script))
            .arg(&self.endpoint)
            .args(args)
            .output()
            .expect("the seed script runs");
        assert!(
            output.status.success(),
            "seeding failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("the seed script prints JSON")
    }

    /// The binary, pointed at this server with fake credentials.
    pub fn ztaudit(&self) -> assert_cmd::Command {
        let mut cmd = ztaudit();
        // moto 5.2.5 answers the operations it lacks (ssm:DescribeInstanceInformation,
        // ec2:DescribeClientVpnEndpoints) with a 500, which the SDK retries with backoff: two
        // attempts keep those calls short. The fault tests ask for the default six.
        cmd.env("ZTAUDIT_MAX_ATTEMPTS", "2")
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1");
        cmd
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The operations moto 5.2.5 does not implement; it answers them with a 500, so the checks that
/// need them report ERROR in every scan against it. They are tested on fixtures, and their
/// collectors with `aws-smithy-mocks`.
pub const MOTO_LACKS: [&str; 2] = [
    "ssm:DescribeInstanceInformation",
    "ec2:DescribeClientVpnEndpoints",
];

/// The checks that read what moto lacks, for `--skip-checks` where a test needs a complete scan.
pub const NEEDS_WHAT_MOTO_LACKS: &str = "ZT305,ZT306,ZT307,ZT308";

/// The seeds that, together, put every service ztaudit reads in play.
pub const EVERY_SERVICE_SEEDS: [&str; 3] = [
    "network_account.py",
    "identity_account.py",
    "visibility_account.py",
];

/// Two regions, as `--region` flags.
pub const TWO_REGIONS: [&str; 4] = ["--region", "eu-west-1", "--region", "us-east-1"];

/// Three regions, as `--region` flags: the seeds put a multi-region trail's home in us-east-1
/// and leave ap-southeast-2 nearly empty.
pub const THREE_REGIONS: [&str; 6] = [
    "--region",
    "eu-west-1",
    "--region",
    "us-east-1",
    "--region",
    "ap-southeast-2",
];

pub fn demo_snapshot() -> PathBuf {
    workspace().join("fixtures/snapshots/demo-account.json")
}

/// `ztaudit scan --snapshot` of the demo snapshot, in `format`; more flags may follow.
pub fn demo_scan(format: &str) -> assert_cmd::Command {
    let mut cmd = ztaudit();
    cmd.args(["scan", "--format", format, "--snapshot"])
        .arg(demo_snapshot());
    cmd
}

/// Writes `text` into `dir/name` and returns the path.
pub fn write_text(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the temporary folder is writable");
    path
}

/// Writes `value` as JSON into `dir/name` and returns the path.
pub fn write_json(dir: &Path, name: &str, value: &Value) -> PathBuf {
    write_text(
        dir,
        name,
        serde_json::to_vec_pretty(value).expect("serializable"),
    )
}

/// A minimal snapshot with one region whose EBS default is `ebs_default` (a JSON `Collected`).
pub fn one_region_snapshot(ebs_default: Value) -> Value {
    snapshot_of(
        serde_json::json!({ "eu-west-1": { "ec2": { "ebs_encryption_by_default": ebs_default } } }),
        serde_json::json!({}),
    )
}

/// A snapshot of account 123456789012 holding `regions` and `global` (JSON as saved).
pub fn snapshot_of(regions: Value, global: Value) -> Value {
    serde_json::json!({
        "schema_version": 1,
        "tool_version": "0.1.0",
        "account": "123456789012",
        "partition": "aws",
        "collection": {
            "started_at": "2026-11-28T09:00:00Z",
            "finished_at": "2026-11-28T09:00:01Z",
            "api_calls": 3
        },
        "regions": regions,
        "global": global
    })
}

pub fn stdout_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// `scan --format json --fail-on never`: a report with every verdict, whatever the gate would
/// say. The scan's own flags follow.
pub const JSON_SCAN: [&str; 5] = ["scan", "--format", "json", "--fail-on", "never"];

/// What a JSON scan gave: the process's output and its report.
pub struct JsonScan {
    pub output: Output,
    pub report: Value,
}

impl JsonScan {
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    pub fn findings(&self) -> &[Value] {
        findings(&self.report)
    }
}

/// Runs `command`, a [`JSON_SCAN`] with its flags, and reads its report. Such a scan exits 0,
/// or 3 when some result is ERROR: anything else is no report.
pub fn run_json_scan(command: &mut assert_cmd::Command) -> JsonScan {
    let output = command.output().expect("ztaudit runs");
    assert!(
        output
            .status
            .code()
            .is_some_and(|code| code == 0 || code == 3),
        "{output:?}"
    );
    let report = stdout_json(&output);
    JsonScan { output, report }
}

/// The findings of a JSON report.
pub fn findings(report: &Value) -> &[Value] {
    report["findings"].as_array().expect("findings is an array")
}

/// Which resource a test means, in the terms its seed script or fixture names it.
#[derive(Debug, Clone, Copy)]
pub enum On<'a> {
    /// The resource whose ARN ends with this.
    ArnEnd(&'a str),
    /// The resource whose ARN holds this anywhere (a load balancer's name sits inside its ARN).
    ArnPart(&'a str),
    /// The resource whose ARN's last `/` or `:` segment is this name (`user/alice`, `:root`).
    Named(&'a str),
    /// The resource whose ARN's last `/` segment is this id, or, for the checks that judge a
    /// whole region, the account resource of the region of that name.
    IdOrRegion(&'a str),
    /// The resource of exactly this ARN, or the account resource of the region of that name.
    ArnOrRegion(&'a str),
}

impl On<'_> {
    fn matches(&self, finding: &Value) -> bool {
        let resource = finding["resource"].as_str().unwrap_or_default();
        let region_account =
            |region: &str| finding["region"] == region && resource.ends_with(":account");
        match *self {
            On::ArnEnd(end) => resource.ends_with(end),
            On::ArnPart(part) => resource.contains(part),
            On::Named(name) => {
                resource.ends_with(&format!("/{name}")) || resource.ends_with(&format!(":{name}"))
            }
            On::IdOrRegion(id) => resource.ends_with(&format!("/{id}")) || region_account(id),
            On::ArnOrRegion(key) => resource == key || region_account(key),
        }
    }
}

impl fmt::Display for On<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (On::ArnEnd(what)
        | On::ArnPart(what)
        | On::Named(what)
        | On::IdOrRegion(what)
        | On::ArnOrRegion(what)) = self;
        f.write_str(what)
    }
}

/// The findings of `check` on `on`.
pub fn findings_on<'a>(findings: &'a [Value], check: &str, on: On<'_>) -> Vec<&'a Value> {
    findings
        .iter()
        .filter(|f| f["check_id"] == check)
        .filter(|f| on.matches(f))
        .collect()
}

/// The one finding of `check` on `on`: fails the test unless there is exactly one.
pub fn the_finding<'a>(findings: &'a [Value], check: &str, on: On<'_>) -> &'a Value {
    let matching = findings_on(findings, check, on);
    assert_eq!(matching.len(), 1, "{check} on {on}: {matching:#?}");
    matching[0]
}

/// Asserts that the one finding of `check` on `on` has the status `expected`.
pub fn assert_verdict<E>(findings: &[Value], check: &str, on: On<'_>, expected: &E)
where
    Value: PartialEq<E>,
    E: fmt::Debug + ?Sized,
{
    let found = the_finding(findings, check, on);
    assert_eq!(
        found["status"], *expected,
        "{check} on {on}: {}",
        found["message"]
    );
}

/// Asserts every verdict a seed script expects (check → resource → status; entries not named
/// after a check are left to the test) and returns how many there were. `on` says how the
/// script names its resources.
pub fn assert_verdicts(findings: &[Value], expect: &Value, on: impl Fn(&str) -> On<'_>) -> usize {
    let mut verified = 0;
    let checks = expect.as_object().expect("check → verdicts");
    for (check, verdicts) in checks.iter().filter(|(key, _)| key.starts_with("ZT")) {
        for (resource, verdict) in verdicts.as_object().expect("resource → verdict") {
            assert_verdict(findings, check, on(resource), verdict);
            verified += 1;
        }
    }
    verified
}
