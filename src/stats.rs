//! `--stats`: where a run spent its time and which AWS calls it made, printed on stderr.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};

use crate::collect::OperationStats;
use crate::report::{Coverage, CoverageStatus};

/// Phases of one run, in order, and the calls of its collection.
#[derive(Debug, Default)]
pub struct RunStats {
    phases: Vec<(&'static str, Duration)>,
    operations: BTreeMap<String, OperationStats>,
    /// A scan of many accounts: accounts scanned, failed, and in the run's part of the
    /// selection.
    accounts: Option<AccountCounts>,
}

#[derive(Debug, Clone, Copy, Default)]
struct AccountCounts {
    scanned: usize,
    failed: usize,
    total: usize,
}

impl RunStats {
    /// Runs `phase`, adding its wall time under `name`.
    pub fn time<T>(&mut self, name: &'static str, phase: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let value = phase();
        self.phases.push((name, started.elapsed()));
        value
    }

    /// The accounts of a scan of many, for the accounts line and calls per account.
    pub fn record_accounts(&mut self, coverage: &Coverage) {
        let scanned = coverage.count(CoverageStatus::Scanned);
        let failed = coverage.count(CoverageStatus::Failed);
        self.accounts = Some(AccountCounts {
            scanned,
            failed,
            total: scanned + failed,
        });
    }

    pub fn record_operations(&mut self, operations: BTreeMap<String, OperationStats>) {
        self.operations = operations;
    }

    /// One table per operation (calls, retries, throttles, failures, time) and one of phases.
    pub fn render(&self) -> String {
        let mut calls = Table::new();
        calls.load_preset(UTF8_FULL_CONDENSED).set_header([
            "Operation",
            "Calls",
            "Retries",
            "Throttled",
            "Errors",
            "Time (ms)",
        ]);
        let mut total = OperationStats::default();
        for (operation, stats) in &self.operations {
            calls.add_row(operation_row(operation, stats));
            total.calls += stats.calls;
            total.retries += stats.retries;
            total.throttles += stats.throttles;
            total.failures += stats.failures;
            total.time += stats.time;
        }
        calls.add_row(operation_row("all", &total));
        for column in 1..6 {
            if let Some(column) = calls.column_mut(column) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }

        let mut phases = Table::new();
        phases
            .load_preset(UTF8_FULL_CONDENSED)
            .set_header(["Phase", "Time (ms)"]);
        for (name, time) in &self.phases {
            phases.add_row([name.to_string(), time.as_millis().to_string()]);
        }
        let wall: Duration = self.phases.iter().map(|(_, time)| *time).sum();
        phases.add_row(["all".to_owned(), wall.as_millis().to_string()]);
        let accounts = match self.accounts {
            Some(counts) if counts.total > 0 => format!(
                "Accounts: {}/{} done ({} scanned, {} failed); {:.1} API calls per account\n",
                counts.scanned + counts.failed,
                counts.total,
                counts.scanned,
                counts.failed,
                total.calls as f64 / counts.total as f64
            ),
            _ => String::new(),
        };
        format!(
            "{accounts}API calls (time is summed over concurrent calls):\n{calls}\nPhases:\n{phases}\n"
        )
    }
}

fn operation_row(operation: &str, stats: &OperationStats) -> [String; 6] {
    [
        operation.to_owned(),
        stats.calls.to_string(),
        stats.retries.to_string(),
        stats.throttles.to_string(),
        stats.failures.to_string(),
        stats.time.as_millis().to_string(),
    ]
}
