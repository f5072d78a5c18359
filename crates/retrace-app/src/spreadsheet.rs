//! Cells written to CSV files that people open in spreadsheet programs.
//!
//! A cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage
//! return, which some programs skip before reading a formula) is run as a
//! formula: a name typed as `=HYPERLINK(…)` would send whoever opens the
//! export to an attacker's address. Following OWASP's advice on CSV
//! injection, such a cell is prefixed with `'`, which spreadsheets read as
//! "this is text". Bidirectional controls and zero-width characters are
//! removed first: they can reorder or hide what a reader sees, and one
//! placed before `=` would otherwise let a formula slip past the check.

/// Characters removed from every exported cell: the bidirectional
/// embedding, override and isolate controls, the directional marks, and
/// zero-width characters.
fn is_hidden(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
    )
}

fn starts_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// The cell as it may be written to an export: hidden characters removed,
/// and a leading `'` when the text would otherwise start a formula (also
/// when only spaces or line breaks come before the formula character).
pub fn safe_cell(value: &str) -> String {
    let visible: String = value.chars().filter(|c| !is_hidden(*c)).collect();
    let first = visible.chars().next();
    let first_non_blank = visible.trim_start().chars().next();
    if first.is_some_and(starts_formula) || first_non_blank.is_some_and(starts_formula) {
        format!("'{visible}")
    } else {
        visible
    }
}

#[cfg(test)]
mod tests {
    use super::safe_cell;

    fn check(input: &str, expected: &str) {
        assert_eq!(safe_cell(input), expected, "for {input:?}");
    }

    #[test]
    fn formula_cells_are_marked_as_text() {
        check(
            "=HYPERLINK(\"http://x\",\"y\")",
            "'=HYPERLINK(\"http://x\",\"y\")",
        );
        check("+1+1", "'+1+1");
        check("-2+3", "'-2+3");
        check("@SUM(A1)", "'@SUM(A1)");
        check("\tcmd", "'\tcmd");
        check("\rcmd", "'\rcmd");
        check("  =1+1", "'  =1+1");
        check("\n=1+1", "'\n=1+1");
    }

    #[test]
    fn ordinary_cells_are_unchanged() {
        check("", "");
        check("Ahmad Khaled Al-Hassan", "Ahmad Khaled Al-Hassan");
        check("brother: Omar = Umar", "brother: Omar = Umar");
        check("عمر خالد الحسن", "عمر خالد الحسن");
        check("2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z");
    }

    #[test]
    fn hidden_characters_are_removed() {
        check("Omar\u{202E}nassaH", "OmarnassaH");
        check("a\u{202A}b\u{202B}c\u{202C}d\u{202D}e", "abcde");
        check("a\u{2066}b\u{2067}c\u{2068}d\u{2069}e", "abcde");
        check("a\u{200E}b\u{200F}c\u{061C}d", "abcd");
        check("a\u{200B}b\u{200C}c\u{200D}d\u{2060}e\u{FEFF}f", "abcdef");
    }

    #[test]
    fn a_hidden_character_cannot_shield_a_formula() {
        check("\u{200B}=1+1", "'=1+1");
        check("\u{FEFF}@cmd", "'@cmd");
        check("\u{202E}-1", "'-1");
    }
}
