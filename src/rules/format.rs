//! The formatter: one canonical layout for `.rules` files, comments kept.

use super::ast::RuleFile;

/// The canonical DSL text of a rule file.
pub fn format_file(_file: &RuleFile) -> String {
    String::new()
}
