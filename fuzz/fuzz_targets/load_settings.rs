//! Fuzz target: any bytes through the `ztaudit.toml` loader. Settings files are user input kept
//! in repositories; whatever the bytes, the loader returns settings or its mistakes, each a
//! one-line error naming a line inside the file, and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ztaudit_settings::Settings;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(errors) = Settings::from_toml(text) {
        assert!(!errors.is_empty(), "refused without a reason");
        for err in &errors {
            assert!(!err.to_string().contains('\n'), "multi-line error: {err}");
            if let Some(line) = err.line {
                assert!(line >= 1 && line <= text.lines().count().max(1) + 1, "line {line} outside the file");
            }
        }
    }
});
