//! Plain text tables for the listing commands: a header row, then one row
//! per item, columns left-aligned two spaces apart and as wide as their
//! widest cell, no spaces at the ends of lines (so snapshots and `diff`
//! see no invisible changes).

/// The table as text, a line per row, header first.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let all: Vec<&[String]> = std::iter::once(header.as_slice())
        .chain(rows.iter().map(Vec::as_slice))
        .collect();
    aligned(&all)
}

/// Rows with their columns lined up, no header.
pub fn aligned(rows: &[&[String]]) -> String {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let width = cell.chars().count();
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(width),
                None => widths.push(width),
            }
        }
    }
    rows.iter().map(|row| line(row, &widths)).collect()
}

fn line(row: &[String], widths: &[usize]) -> String {
    let mut out = String::new();
    for (cell, width) in row.iter().zip(widths) {
        out.push_str(cell);
        let pad = width - cell.chars().count();
        out.extend(std::iter::repeat_n(' ', pad + 2));
    }
    let mut out = out.trim_end().to_string();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_on_the_widest_cell() {
        let rows = vec![
            vec![
                "1".to_string(),
                "Acme ⇄ Optics".to_string(),
                "x".to_string(),
            ],
            vec!["12".to_string(), "B".to_string(), String::new()],
        ];
        assert_eq!(
            render(&["id", "name", "note"], &rows),
            "id  name           note\n\
             1   Acme ⇄ Optics  x\n\
             12  B\n"
        );
        assert_eq!(render(&["id"], &[]), "id\n");
    }
}
