//! `POST /playground/convert`: one file between the DSL and YAML, as
//! `convert` does it; a file with errors is not converted and answers its
//! diagnostics instead.

use super::check::syntax_of;
use super::PlaygroundError;
use crate::rules::check::{check, check_titles, CheckOptions};
use crate::rules::diagnostics::{Diagnostic, JsonDiagnostic};
use crate::rules::{convert, format, load_str, Syntax};
use serde::Deserialize;
use serde_json::{json, Value};

/// What the page sends to convert.
#[derive(Debug, Deserialize)]
pub struct ConvertIn {
    /// The file's name; its extension says what it is written in.
    #[serde(default)]
    pub name: String,
    pub text: String,
    /// `dsl` or `yaml`.
    pub to: String,
}

/// The converted text and the file name it would have.
pub fn convert(input: ConvertIn) -> Result<Value, PlaygroundError> {
    let to = match input.to.as_str() {
        "dsl" => Syntax::Dsl,
        "yaml" => Syntax::Yaml,
        other => {
            return Err(PlaygroundError::Input(format!(
                "cannot convert to `{other}`; say `dsl` or `yaml`"
            )))
        }
    };
    let loaded = load_str(
        &input.name,
        input.text.clone(),
        syntax_of(&input.name, &input.text),
    );
    let mut diags = loaded.diagnostics.clone();
    diags.extend(check(&loaded.file, &CheckOptions::default()));
    diags.extend(check_titles(&[&loaded.file]).into_iter().map(|(_, d)| d));
    let converted = if diags.iter().any(Diagnostic::is_error) {
        None
    } else if to == Syntax::Dsl {
        Some(Ok(format::format_file(&loaded.file)))
    } else {
        Some(convert::to_yaml(&loaded.file))
    };
    let text = match converted {
        Some(Ok(text)) => text,
        Some(Err(more)) => return Err(refused(&loaded.source, diags.into_iter().chain(more))),
        None => return Err(refused(&loaded.source, diags)),
    };
    let stem = input
        .name
        .rsplit_once('.')
        .map_or(input.name.as_str(), |(s, _)| s);
    let ext = if to == Syntax::Dsl { "rules" } else { "yaml" };
    Ok(json!({ "name": format!("{stem}.{ext}"), "text": text }))
}

fn refused(
    source: &crate::rules::diagnostics::SourceFile,
    diags: impl IntoIterator<Item = Diagnostic>,
) -> PlaygroundError {
    let shown: Vec<Value> = diags
        .into_iter()
        .filter(Diagnostic::is_error)
        .filter_map(|d| serde_json::to_value(JsonDiagnostic::new(&d, source)).ok())
        .collect();
    PlaygroundError::Rules(json!({ "files": [{ "name": source.path, "diagnostics": shown }] }))
}
