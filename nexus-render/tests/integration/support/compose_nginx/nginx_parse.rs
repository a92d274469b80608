//! Reading rendered Nginx configuration the way Nginx's tokenizer does, for tests.

/// A directive as Nginx reads it: depth, name, arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// How many blocks enclose it.
    pub depth: usize,
    /// The names of the enclosing block directives, outermost first.
    pub context: Vec<String>,
    /// Its name.
    pub name: String,
    /// Its arguments, unquoted.
    pub args: Vec<String>,
}

/// Nginx's tokenizer (ngx_conf_read_token), enough of it to read directives: whitespace
/// separates, `;` ends a directive, `{` opens and `}` closes a block, `#` at the start of a
/// token starts a comment, a token starting with `"` or `'` runs to the matching quote with
/// `\` escaping the next character, and `$` followed by `{` does not open a block.
pub fn parse(text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut context: Vec<String> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut chars = text.chars().peekable();
    let finish =
        |words: &mut Vec<String>, depth: usize, context: &[String], out: &mut Vec<Directive>| {
            let mut w = std::mem::take(words).into_iter();
            let name = w.next().expect("a directive has a name");
            out.push(Directive {
                depth,
                context: context.to_vec(),
                name,
                args: w.collect(),
            });
        };
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            ';' => finish(&mut words, depth, &context, &mut out),
            '{' => {
                context.push(words.first().cloned().unwrap_or_default());
                finish(&mut words, depth, &context[..context.len() - 1], &mut out);
                depth += 1;
            }
            '}' => {
                assert!(words.is_empty(), "unexpected }} after {words:?}");
                depth = depth.checked_sub(1).expect("balanced braces");
                context.pop();
            }
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' | '\'' => {
                let quote = c;
                let mut w = String::new();
                loop {
                    let c = chars.next().expect("closed quote");
                    match c {
                        '\\' => {
                            let n = chars.next().expect("escaped char");
                            match n {
                                '"' | '\'' | '\\' => w.push(n),
                                't' => w.push('\t'),
                                'r' => w.push('\r'),
                                'n' => w.push('\n'),
                                other => {
                                    w.push('\\');
                                    w.push(other);
                                }
                            }
                        }
                        c if c == quote => break,
                        c => w.push(c),
                    }
                }
                let next = chars.peek().copied();
                assert!(
                    matches!(next, Some(c) if c.is_whitespace() || c == ';' || c == '{'),
                    "a quoted token must be followed by a separator"
                );
                words.push(w);
            }
            c => {
                let mut w = String::from(c);
                let mut prev = c;
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace()
                        || n == ';'
                        || (n == '{' && prev != '$')
                        || n == '}' && !w.contains("${")
                    {
                        break;
                    }
                    w.push(n);
                    prev = n;
                    chars.next();
                }
                words.push(w);
            }
        }
    }
    assert_eq!(depth, 0, "balanced braces");
    assert!(words.is_empty(), "a directive without `;`: {words:?}");
    out
}
