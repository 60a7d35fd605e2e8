//! A loopback HTTP proxy between ztaudit and moto server that answers one AWS operation with an
//! error, for the failures moto cannot produce by itself. Every other request is forwarded
//! unchanged. One request per connection: the proxy closes each after answering, which the SDK's
//! HTTP client handles by reconnecting.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

pub struct FaultProxy {
    pub endpoint: String,
    stop: Arc<AtomicBool>,
    denied: Arc<AtomicUsize>,
}

impl FaultProxy {
    /// Forwards to `upstream` (`http://127.0.0.1:PORT`), answering every query-protocol request
    /// for `operation` (`Action=DescribeFlowLogs`) with a 403 `UnauthorizedOperation`.
    pub fn deny(upstream: &str, operation: &'static str) -> FaultProxy {
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().expect("bound").port();
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let stop = Arc::new(AtomicBool::new(false));
        let denied = Arc::new(AtomicUsize::new(0));
        let (stop_flag, denied_count) = (stop.clone(), denied.clone());
        thread::spawn(move || {
            while !stop_flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let upstream = upstream.clone();
                        let denied = denied_count.clone();
                        thread::spawn(move || {
                            let _ = serve(client, &upstream, operation, &denied);
                        });
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        FaultProxy {
            endpoint: format!("http://127.0.0.1:{port}"),
            stop,
            denied,
        }
    }

    /// How many requests the proxy answered with the injected error.
    pub fn denied(&self) -> usize {
        self.denied.load(Ordering::Relaxed)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(
    client: TcpStream,
    upstream: &str,
    operation: &str,
    denied: &AtomicUsize,
) -> std::io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut head = String::new();
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            content_length = value.trim().parse().unwrap_or(0);
        }
        if !lower.starts_with("connection:") {
            head.push_str(&line);
        }
    }
    let mut body = vec![0; content_length];
    reader.read_exact(&mut body)?;
    let mut client = client;
    if String::from_utf8_lossy(&body).contains(&format!("Action={operation}&")) {
        denied.fetch_add(1, Ordering::Relaxed);
        let error = format!(
            "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not \
             authorized to perform this operation: ec2:{operation}</Message></Error></Errors>\
             <RequestID>fault-proxy</RequestID></Response>"
        );
        write!(
            client,
            "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{error}",
            error.len()
        )?;
        return client.flush();
    }
    let mut server = TcpStream::connect(upstream)?;
    server.write_all(head.as_bytes())?;
    server.write_all(b"Connection: close\r\n\r\n")?;
    server.write_all(&body)?;
    let mut response = Vec::new();
    server.read_to_end(&mut response)?;
    client.write_all(&response)?;
    client.flush()
}
