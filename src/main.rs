use clap::Parser;
use tracing_subscriber::EnvFilter;
use ztaudit::cli::Cli;
use ztaudit::exit::ExitCode;
use ztaudit::logging::RedactingStderr;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(RedactingStderr)
        .with_env_filter(
            EnvFilter::try_from_env("ZTAUDIT_LOG").unwrap_or_else(|_| EnvFilter::new("error")),
        )
        .with_target(false)
        .without_time()
        .init();
    // clap exits 2 on usage errors by itself.
    let cli = Cli::parse();
    match ztaudit::run(cli) {
        Ok(code) => code.into(),
        Err(err) => {
            eprintln!("ztaudit: error: {err:#}");
            ExitCode::Usage.into()
        }
    }
}
