//! A fault-injecting HTTP proxy on loopback, between ztaudit and moto server, for the failures
//! moto cannot produce by itself: throttling, 500s, AccessDenied, closed connections, truncated
//! bodies and answers slower than the timeout, on chosen operations, always, for the first N
//! requests, or at a rate.
//!
//! The proxy reads the service from the request's SigV4 credential scope and the operation from
//! the query `Action`, the JSON `X-Amz-Target`, or (REST services) the method and path, so it can
//! answer each service's error in that service's own protocol. One request per connection: the
//! proxy closes each after answering, which the SDK's HTTP client handles by reconnecting.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What the proxy does instead of (or to) the upstream answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The service's throttling error: EC2 `RequestLimitExceeded` (503), query services
    /// `Throttling` (400), JSON services `ThrottlingException` (400), S3 `SlowDown` (503).
    Throttle,
    /// A 500 `InternalError` / `InternalFailure`.
    ServerError,
    /// The service's access-denied error.
    AccessDenied,
    /// Close the connection without answering.
    Reset,
    /// Forward, then send the upstream headers with only half of the body and close.
    Truncate,
    /// Forward after this long.
    Delay(Duration),
}

/// Which requests a rule applies to.
#[derive(Debug, Clone)]
pub enum Target {
    Any,
    /// A query `Action` or JSON `X-Amz-Target` operation name (`DescribeFlowLogs`).
    Operation(&'static str),
    /// A REST request: its method and a path prefix (`GET /detector`).
    Rest(&'static str, &'static str),
    /// A query operation whose (form-encoded) body contains this text once decoded: e.g.
    /// `AssumeRole` of one role ARN.
    OperationWithBody(&'static str, String),
}

/// When a matching request is faulted.
#[derive(Debug, Clone, Copy)]
pub enum Schedule {
    Always,
    /// The first `n` matching requests.
    First(usize),
    /// `percent` of matching requests, chosen by a seeded hash of the request's sequence number.
    /// Transient: the same request (same operation and body) is faulted at most
    /// `MAX_CONSECUTIVE` times in a row, below the SDK's attempt budget, so a retrying client
    /// always gets through.
    Rate {
        percent: u64,
        seed: u64,
    },
}

/// Fewer than the scanner's 6 attempts, so transient faults never exhaust its retries.
const MAX_CONSECUTIVE: u32 = 3;

#[derive(Debug, Clone)]
pub struct Rule {
    pub target: Target,
    pub schedule: Schedule,
    /// Cycled through, one per faulted request.
    pub faults: Vec<Fault>,
}

pub struct FaultProxy {
    pub endpoint: String,
    stop: Arc<AtomicBool>,
    state: Arc<State>,
}

struct State {
    upstream: String,
    rules: Vec<Rule>,
    requests: AtomicU64,
    /// Per rule: matching requests seen, faults injected.
    matched: Vec<AtomicUsize>,
    injected: Vec<AtomicUsize>,
    /// Consecutive faults per request key, for `Schedule::Rate`.
    streaks: Mutex<HashMap<String, u32>>,
}

impl FaultProxy {
    /// Forwards to `upstream` (`http://127.0.0.1:PORT`), applying the first rule that matches
    /// and schedules a fault for each request.
    pub fn start(upstream: &str, rules: Vec<Rule>) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().expect("bound").port();
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let stop = Arc::new(AtomicBool::new(false));
        let state = Arc::new(State {
            upstream: upstream.trim_start_matches("http://").to_owned(),
            matched: rules.iter().map(|_| AtomicUsize::new(0)).collect(),
            injected: rules.iter().map(|_| AtomicUsize::new(0)).collect(),
            rules,
            requests: AtomicU64::new(0),
            streaks: Mutex::new(HashMap::new()),
        });
        let (stop_flag, shared) = (stop.clone(), state.clone());
        thread::spawn(move || {
            while !stop_flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let state = shared.clone();
                        thread::spawn(move || {
                            let _ = serve(client, &state);
                        });
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        FaultProxy {
            endpoint: format!("http://127.0.0.1:{port}"),
            stop,
            state,
        }
    }

    /// Answers every request for a query-protocol `operation` with AccessDenied.
    pub fn deny(upstream: &str, operation: &'static str) -> FaultProxy {
        FaultProxy::start(
            upstream,
            vec![Rule {
                target: Target::Operation(operation),
                schedule: Schedule::Always,
                faults: vec![Fault::AccessDenied],
            }],
        )
    }

    /// How many requests rule `index` faulted.
    pub fn injected(&self, index: usize) -> usize {
        self.state.injected[index].load(Ordering::Relaxed)
    }

    /// How many requests rule `index` matched.
    pub fn matched(&self, index: usize) -> usize {
        self.state.matched[index].load(Ordering::Relaxed)
    }

    /// Faults injected by the first (or only) rule.
    pub fn denied(&self) -> usize {
        self.injected(0)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// What the proxy learnt of one request.
struct Request {
    head: String,
    body: Vec<u8>,
    method: String,
    path: String,
    service: String,
    operation: Option<String>,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Request>> {
    let mut head = String::new();
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(None);
    }
    head.push_str(&request_line);
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let (mut content_length, mut service, mut target) = (0usize, String::new(), None);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            content_length = value.trim().parse().unwrap_or(0);
        }
        if let Some(value) = lower.strip_prefix("x-amz-target:") {
            target = value.trim().rsplit('.').next().map(str::to_owned);
        }
        if lower.starts_with("authorization:") {
            // Credential=AKID/DATE/REGION/SERVICE/aws4_request
            service = lower
                .split("credential=")
                .nth(1)
                .and_then(|scope| scope.split('/').nth(3))
                .unwrap_or_default()
                .to_owned();
        }
        if !lower.starts_with("connection:") {
            head.push_str(&line);
        }
    }
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body)?;
    let action = String::from_utf8_lossy(&body)
        .split('&')
        .find_map(|pair| pair.strip_prefix("Action=").map(str::to_owned));
    // X-Amz-Target names are matched case-insensitively: the header was lower-cased above.
    let operation = action.or(target);
    Ok(Some(Request {
        head,
        body,
        method,
        path,
        service,
        operation,
    }))
}

impl Target {
    fn matches(&self, request: &Request) -> bool {
        match self {
            Target::Any => true,
            Target::Operation(name) => request
                .operation
                .as_deref()
                .is_some_and(|op| op.eq_ignore_ascii_case(name)),
            Target::Rest(method, prefix) => {
                request.method == *method && request.path.starts_with(prefix)
            }
            Target::OperationWithBody(name, text) => {
                Target::Operation(name).matches(request)
                    && percent_decoded(&request.body).contains(text.as_str())
            }
        }
    }
}

impl State {
    /// The fault to inject into `request`, if any rule schedules one.
    fn fault_for(&self, request: &Request) -> Option<Fault> {
        let sequence = self.requests.fetch_add(1, Ordering::Relaxed);
        for (index, rule) in self.rules.iter().enumerate() {
            if !rule.target.matches(request) {
                continue;
            }
            let seen = self.matched[index].fetch_add(1, Ordering::Relaxed);
            let fire = match rule.schedule {
                Schedule::Always => true,
                Schedule::First(n) => seen < n,
                Schedule::Rate { percent, seed } => {
                    let key = format!(
                        "{} {} {:?} {}",
                        request.method,
                        request.path,
                        request.operation,
                        String::from_utf8_lossy(&request.body)
                    );
                    let mut streaks = self.streaks.lock().expect("streaks lock");
                    let streak = streaks.entry(key).or_insert(0);
                    let fire =
                        splitmix(seed ^ sequence) % 100 < percent && *streak < MAX_CONSECUTIVE;
                    *streak = if fire { *streak + 1 } else { 0 };
                    fire
                }
            };
            if !fire {
                return None;
            }
            let count = self.injected[index].fetch_add(1, Ordering::Relaxed);
            return rule.faults.get(count % rule.faults.len().max(1)).copied();
        }
        None
    }
}

/// A form-encoded body, decoded (`%3A` → `:`, `+` → space).
fn percent_decoded(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body).replace('+', " ");
    percent_encoding::percent_decode_str(&text)
        .decode_utf8_lossy()
        .into_owned()
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn serve(client: TcpStream, state: &State) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let Some(request) = read_request(&mut reader)? else {
        return Ok(());
    };
    let mut client = client;
    match state.fault_for(&request) {
        None => {
            let response = forward(&state.upstream, &request)?;
            client.write_all(&response)?;
        }
        Some(Fault::Delay(delay)) => {
            thread::sleep(delay);
            let response = forward(&state.upstream, &request)?;
            client.write_all(&response)?;
        }
        Some(Fault::Reset) => {
            let _ = client.shutdown(Shutdown::Both);
            return Ok(());
        }
        Some(Fault::Truncate) => {
            let response = forward(&state.upstream, &request)?;
            let body_start = response
                .windows(4)
                .position(|window| window == b"\r\n\r\n")
                .map_or(response.len(), |at| at + 4);
            let keep = body_start + (response.len() - body_start) / 2;
            client.write_all(&response[..keep])?;
            client.flush()?;
            let _ = client.shutdown(Shutdown::Both);
            return Ok(());
        }
        Some(fault) => client.write_all(&error_response(&request, fault))?,
    }
    client.flush()
}

fn forward(upstream: &str, request: &Request) -> std::io::Result<Vec<u8>> {
    let mut server = TcpStream::connect(upstream)?;
    server.write_all(request.head.as_bytes())?;
    server.write_all(b"Connection: close\r\n\r\n")?;
    server.write_all(&request.body)?;
    let mut response = Vec::new();
    server.read_to_end(&mut response)?;
    Ok(response)
}

/// The service's own error shape for `fault`.
fn error_response(request: &Request, fault: Fault) -> Vec<u8> {
    let operation = request.operation.as_deref().unwrap_or("the operation");
    let denied_message = format!(
        "You are not authorized to perform: {}:{operation}",
        request.service
    );
    let (status, code, message) = match (request.service.as_str(), fault) {
        ("ec2", Fault::Throttle) => (503, "RequestLimitExceeded", "Request limit exceeded."),
        ("s3", Fault::Throttle) => (503, "SlowDown", "Please reduce your request rate."),
        (_, Fault::Throttle) => (400, "Throttling", "Rate exceeded"),
        ("ec2", Fault::AccessDenied) => (403, "UnauthorizedOperation", denied_message.as_str()),
        (_, Fault::AccessDenied) => (403, "AccessDenied", denied_message.as_str()),
        (_, _) => (500, "InternalError", "We encountered an internal error."),
    };
    let reason = match status {
        400 => "Bad Request",
        403 => "Forbidden",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    };
    let (content_type, extra_header, body) = match request.service.as_str() {
        "ec2" => (
            "text/xml",
            String::new(),
            format!(
                "<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error>\
                 </Errors><RequestID>fault-proxy</RequestID></Response>"
            ),
        ),
        "s3" => (
            "application/xml",
            String::new(),
            format!("<Error><Code>{code}</Code><Message>{message}</Message></Error>"),
        ),
        "iam" | "sts" | "rds" | "elasticloadbalancing" => (
            "text/xml",
            String::new(),
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}\
                 </Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>"
            ),
        ),
        _ => {
            // JSON services: the code in the body and in `x-amzn-ErrorType`, with their own
            // names for throttling and denial.
            let code = match code {
                "Throttling" => "ThrottlingException",
                "AccessDenied" => "AccessDeniedException",
                "InternalError" => "InternalServerException",
                other => other,
            };
            (
                "application/x-amz-json-1.1",
                format!("x-amzn-ErrorType: {code}\r\n"),
                format!(r#"{{"__type":"{code}","message":"{message}"}}"#),
            )
        }
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n{extra_header}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}
