//! Snapshot cases (`expect: snapshot`): the whole outcome, as `dry-run
//! --format json` shows it, kept in a file beside the test
//! (`support.test.yaml` → `support.snapshots/<case>.snap`). A new or
//! changed outcome fails the case with its diff until `test --accept`
//! takes it; `test --review` shows every diff in full.

use similar::TextDiff;
use std::path::{Path, PathBuf};

/// What to do with a snapshot that is new or differs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Fail, with the diff cut short.
    #[default]
    Check,
    /// Fail, with the whole diff.
    Review,
    /// Write it: the case passes.
    Accept,
}

/// How a snapshot case came out.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Same,
    /// Written by `--accept`.
    Accepted(PathBuf),
    /// New or changed: what to show.
    Differs {
        path: PathBuf,
        new: bool,
        diff: String,
    },
}

/// Lines of diff shown without `--review`.
const SHORT: usize = 40;

/// Where a case's snapshot lives.
pub fn path_of(test_file: &Path, case: &str) -> PathBuf {
    let name = test_file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("tests");
    let stem = name
        .strip_suffix(".test.yaml")
        .or_else(|| name.strip_suffix(".test.yml"))
        .unwrap_or(name);
    let dir = test_file.parent().unwrap_or(Path::new(""));
    dir.join(format!("{stem}.snapshots"))
        .join(format!("{}.snap", slug(case)))
}

/// A case name as a file name: lowercase words joined by `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "case".into()
    } else {
        out
    }
}

/// Compares `got` with the stored snapshot, and writes it in `Accept` mode.
pub fn verdict(path: &Path, got: &serde_json::Value, mode: Mode) -> std::io::Result<Verdict> {
    let text = serde_json::to_string_pretty(got).unwrap_or_default() + "\n";
    let stored = match std::fs::read_to_string(path) {
        Ok(s) => Some(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if stored.as_deref() == Some(text.as_str()) {
        return Ok(Verdict::Same);
    }
    if mode == Mode::Accept {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, &text)?;
        return Ok(Verdict::Accepted(path.to_path_buf()));
    }
    let old = stored.as_deref().unwrap_or("");
    let diff = TextDiff::from_lines(old, &text)
        .unified_diff()
        .context_radius(3)
        .header("stored", "got")
        .to_string();
    let diff = match mode {
        Mode::Review => diff,
        _ => shorten(&diff),
    };
    Ok(Verdict::Differs {
        path: path.to_path_buf(),
        new: stored.is_none(),
        diff,
    })
}

fn shorten(diff: &str) -> String {
    let lines: Vec<&str> = diff.lines().collect();
    if lines.len() <= SHORT {
        return diff.to_string();
    }
    let mut out = lines[..SHORT].join("\n");
    out.push_str(&format!(
        "\n… {} more lines; `test --review` shows them all\n",
        lines.len() - SHORT
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_name_becomes_a_file_name() {
        assert_eq!(
            slug("VIP escalation, whole outcome"),
            "vip-escalation-whole-outcome"
        );
        assert_eq!(slug("  Acme's reply!  "), "acme-s-reply");
        assert_eq!(slug("???"), "case");
        let path = path_of(Path::new("rules/support.test.yaml"), "A b");
        assert_eq!(path, Path::new("rules/support.snapshots/a-b.snap"));
    }
}
