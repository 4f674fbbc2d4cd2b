//! Doc text from the schema, made safe for rustdoc: no accidental links, HTML, emphasis,
//! headings or indented code blocks (which would become doctests), and bare URLs as autolinks.

/// Escapes one paragraph of schema text into Markdown that renders as the same words.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, line) in text.lines().map(str::trim).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                out.push(' ');
            }
            escape_word(word, j == 0, &mut out);
        }
    }
    out
}

fn escape_word(word: &str, starts_line: bool, out: &mut String) {
    if (word.starts_with("https://") || word.starts_with("http://"))
        && !word.contains(['<', '>', '`'])
    {
        // `<url>` is an autolink; trailing sentence punctuation stays outside it.
        let url = word.trim_end_matches(['.', ',', ';', ')']);
        out.push('<');
        out.push_str(url);
        out.push('>');
        out.push_str(&word[url.len()..]);
        return;
    }
    for (k, c) in word.chars().enumerate() {
        let at_start = starts_line && k == 0;
        // Headings, list items and setext underlines only start at the beginning of a line.
        let special = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~'
        ) || (at_start && matches!(c, '#' | '+' | '-' | '='));
        if special {
            out.push('\\');
        }
        out.push(c);
    }
}

/// The escaped description, or the plain statement that none is written yet: a missing doc is
/// said, not hidden, and never invented.
pub fn description_or_none(text: &str, what: &str) -> String {
    if text.trim().is_empty() {
        format!("No description of this {what} has been written yet.")
    } else {
        escape(text)
    }
}

/// Splits Markdown into the lines of a doc comment, each with the leading space that makes
/// `/// text` read naturally.
pub fn lines(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_and_angles_cannot_become_links_or_html() {
        assert_eq!(escape("see [Foo] <b>x</b>"), r"see \[Foo\] \<b\>x\</b\>");
    }

    #[test]
    fn indentation_cannot_start_a_code_block() {
        assert_eq!(escape("a\n    let x = 1;"), "a\nlet x = 1;");
    }

    #[test]
    fn urls_become_autolinks_and_headings_are_escaped() {
        assert_eq!(
            escape("see https://a.example/x."),
            "see <https://a.example/x>."
        );
        assert_eq!(escape("# not a heading"), r"\# not a heading");
        assert_eq!(escape("- not a list"), r"\- not a list");
    }

    #[test]
    fn emphasis_and_code_marks_are_literal() {
        assert_eq!(escape("a_b *c* `d`"), r"a\_b \*c\* \`d\`");
    }
}
