//! Logs on stderr, with credentials taken out.
//!
//! The AWS SDK's own debug and trace logs print the resolved identity, access key id included
//! (the secret is redacted by the SDK), and signed request headers. Every log line goes through
//! [`redact`] before it reaches stderr, so no log level can leak an access key id, a SigV4
//! credential scope or a session token.

use std::io::{self, Write};
use std::sync::LazyLock;

use regex::Regex;
use tracing_subscriber::fmt::MakeWriter;

const REDACTED: &str = "** redacted **";

/// Access key ids (long-term `AKIA…`, temporary `ASIA…`), the `access_key_id` field of the SDK's
/// `Credentials` debug output, SigV4 `Credential=` scopes, and session-token headers or fields.
static SECRETS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"\b(?:AKIA|ASIA)[A-Z0-9]{12,124}\b", REDACTED),
        (
            r#"(access_key_id|session_token|secret_access_key)(["']?\s*[:=]\s*(?:Some\()?")[^"]*""#,
            "${1}${2}** redacted **\"",
        ),
        (r"(?i)(Credential=)[^,\s]+", "${1}** redacted **"),
        (
            r#"(?i)(x-amz-security-token"?\s*[:=]\s*"?)[^"\s,}]+"#,
            "${1}** redacted **",
        ),
    ]
    .into_iter()
    .filter_map(|(pattern, replacement)| Some((Regex::new(pattern).ok()?, replacement)))
    .collect()
});

/// `line` with every credential-looking part replaced.
pub fn redact(line: &str) -> String {
    SECRETS
        .iter()
        .fold(line.to_owned(), |text, (pattern, replacement)| {
            pattern.replace_all(&text, *replacement).into_owned()
        })
}

/// A `tracing` writer to stderr that redacts each event before writing it.
#[derive(Debug, Clone, Copy, Default)]
pub struct RedactingStderr;

/// Buffers one event, then writes it redacted.
pub struct RedactingWriter(Vec<u8>);

impl Write for RedactingWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactingWriter {
    fn drop(&mut self) {
        let text = redact(&String::from_utf8_lossy(&self.0));
        let _ = io::stderr().lock().write_all(text.as_bytes());
    }
}

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = RedactingWriter;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_sdk_debug_output_are_redacted() {
        let line = r#"Identity { data: Credentials { provider_name: "EnvironmentVariable", access_key_id: "AKIAIOSFODNN7EXAMPLE", secret_access_key: "** redacted **", session_token: Some("FwoGZXIvYXdzEXAMPLE") } }"#;
        let redacted = redact(line);
        assert!(!redacted.contains("AKIAIOSFODNN7EXAMPLE"), "{redacted}");
        assert!(!redacted.contains("FwoGZXIvYXdzEXAMPLE"), "{redacted}");
        assert!(redacted.contains("provider_name: \"EnvironmentVariable\""));
    }

    #[test]
    fn signed_headers_are_redacted() {
        let line = r#"authorization: "AWS4-HMAC-SHA256 Credential=ASIAXXXXXXXXXXXXXXXX/20261128/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=abc", "x-amz-security-token": "IQoJb3JpZ2luX2VjEXAMPLE""#;
        let redacted = redact(line);
        assert!(!redacted.contains("ASIAXXXXXXXXXXXXXXXX"), "{redacted}");
        assert!(!redacted.contains("IQoJb3JpZ2luX2VjEXAMPLE"), "{redacted}");
    }

    #[test]
    fn ordinary_lines_are_unchanged() {
        let line = "ec2:DescribeFlowLogs in eu-west-1 failed (access denied)";
        assert_eq!(redact(line), line);
    }
}
