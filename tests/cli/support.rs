//! Test support: a moto server per test, the binary with an environment that can only reach
//! that server, and snapshot files written into a fresh temporary folder.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
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
fn moto_venv() -> PathBuf {
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

pub fn demo_snapshot() -> PathBuf {
    workspace().join("fixtures/snapshots/demo-account.json")
}

/// Writes `value` as JSON into `dir/name` and returns the path.
pub fn write_json(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        serde_json::to_vec_pretty(value).expect("serializable"),
    )
    .expect("the temporary folder is writable");
    path
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
