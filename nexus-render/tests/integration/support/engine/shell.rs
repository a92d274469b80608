//! Which programs a health check runs: the argv's program, and for `sh -c` / `bash -c`
//! every command of the script (a small POSIX-shell word splitter: quotes, backslashes,
//! `|`, `||`, `&&`, `;`, `&`, newlines, redirections, leading assignments, builtins).

/// Shell builtins and keywords: run by the shell, not looked up in the image.
const BUILTINS: &[&str] = &[
    "[", "[[", "test", "echo", "printf", "exit", "true", "false", ":", ".", "source", "export",
    "set", "unset", "read", "cd", "if", "then", "else", "elif", "fi", "for", "while", "until",
    "do", "done", "case", "esac", "!", "{", "}", "return", "shift", "local", "eval", "wait",
    "trap", "kill", "exec", "command",
];

const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "/bin/sh", "/bin/bash"];

/// The programs `argv` runs, in order, without duplicates (builtins left out).
pub fn executables(argv: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    command(argv, &mut out);
    let mut seen = Vec::new();
    out.retain(|p| {
        let new = !seen.contains(p);
        seen.push(p.clone());
        new
    });
    out
}

fn command(words: &[String], out: &mut Vec<String>) {
    let mut i = 0;
    // Assignments, redirections and `exec`/`command` before the program.
    while i < words.len() {
        let w = &words[i];
        let assignment = w.split_once('=').is_some_and(|(n, _)| {
            !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if assignment || is_redirection(w) || w == "exec" || w == "command" || w == "!" {
            i += 1;
        } else {
            break;
        }
    }
    let Some(program) = words.get(i) else { return };
    if !BUILTINS.contains(&program.as_str()) {
        out.push(program.clone());
    }
    if SHELLS.contains(&program.as_str())
        && let Some(c) = words[i + 1..].iter().position(|w| w == "-c")
        && let Some(script) = words.get(i + 1 + c + 1)
    {
        for cmd in split(script) {
            command(&cmd, out);
        }
    }
}

fn is_redirection(w: &str) -> bool {
    let rest = w.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.starts_with('<') || rest.starts_with('>') || rest.starts_with("&>")
}

/// A script's simple commands, each as its words.
pub fn split(script: &str) -> Vec<Vec<String>> {
    let mut cmds = vec![Vec::new()];
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = script.chars().peekable();
    let end_word = |word: &mut String, in_word: &mut bool, cmds: &mut Vec<Vec<String>>| {
        if *in_word {
            cmds.last_mut()
                .expect("a command")
                .push(std::mem::take(word));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        _ => word.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            '|' | '&' | ';' | '\n' => {
                if c == '&' && (word.ends_with('>') || word.ends_with('<')) {
                    word.push(c);
                    continue;
                }
                end_word(&mut word, &mut in_word, &mut cmds);
                if matches!(chars.peek(), Some('|' | '&')) {
                    chars.next();
                }
                cmds.push(Vec::new());
            }
            c if c.is_whitespace() => end_word(&mut word, &mut in_word, &mut cmds),
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    end_word(&mut word, &mut in_word, &mut cmds);
    cmds.retain(|c| !c.is_empty());
    cmds
}

#[test]
fn programs_of_the_rendered_kinds_of_check() {
    let argv = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        executables(&argv(&[
            "sh",
            "-c",
            r#"redis-cli -a "$P" --no-auth-warning ping | grep -q PONG"#
        ])),
        ["sh", "redis-cli", "grep"]
    );
    assert_eq!(
        executables(&argv(&[
            "sh",
            "-c",
            "bash -c 'exec 3<>/dev/tcp/127.0.0.1/9200' || nc -z 127.0.0.1 9200"
        ])),
        ["sh", "bash", "nc"]
    );
    assert_eq!(
        executables(&argv(&[
            "sh",
            "-c",
            "PGCONNECT_TIMEOUT=2 exec pg_isready -U \"$U\" 2>&1 >/dev/null && [ -s x ]"
        ])),
        ["sh", "pg_isready"]
    );
    assert_eq!(
        executables(&argv(&["rabbitmq-diagnostics", "-q", "ping"])),
        ["rabbitmq-diagnostics"]
    );
}
