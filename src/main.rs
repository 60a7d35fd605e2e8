use clap::Parser;
use tracing_subscriber::EnvFilter;
use ztaudit::cli::Cli;
use ztaudit::exit::ExitCode;
use ztaudit::logging::RedactingStderr;

fn main() -> std::process::ExitCode {
    // clap exits 2 on usage errors by itself.
    let cli = Cli::parse();
    // ZTAUDIT_LOG (a tracing filter) wins over -q/-v.
    let filter = EnvFilter::try_from_env("ZTAUDIT_LOG").unwrap_or_else(|_| {
        EnvFilter::new(match (cli.quiet, cli.verbose) {
            (true, _) => "off",
            (false, 0) => "error",
            (false, 1) => "error,ztaudit=info",
            (false, 2) => "warn,ztaudit=debug",
            _ => "info,ztaudit=trace,aws_smithy_runtime=debug",
        })
    });
    tracing_subscriber::fmt()
        .with_writer(RedactingStderr)
        .with_env_filter(filter)
        .with_target(false)
        .without_time()
        .init();
    match ztaudit::run(cli) {
        Ok(code) => code.into(),
        Err(err) => {
            for message in err.messages() {
                eprintln!("ztaudit: error: {message}");
            }
            ExitCode::Usage.into()
        }
    }
}
