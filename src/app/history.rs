//! The REPL's history file: read once at start, added to at exit.
//!
//! Two shells may share one file, so a session never writes the file from its own memory: at
//! exit it takes a lock, reads what the file holds now, adds its own new entries, keeps the
//! newest [`MAX_ENTRIES`] and replaces the file atomically ([`crate::app::atomic`]). A path that is
//! not a regular file (a device, a FIFO) or is too big for a history is refused with a warning
//! and the session keeps no history. The format is rustyline's: `#V2`, then one entry a line
//! with `\` and newlines escaped. Nothing here prints; warnings are returned as text.

use std::fs::{self, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Most entries the file keeps; older ones are dropped.
pub const MAX_ENTRIES: usize = 5000;
/// Largest history file read, in bytes: more than [`MAX_ENTRIES`] long statements.
pub const MAX_BYTES: u64 = 8 << 20;

/// The history file: `$MBCKG_HISTORY` (empty or `off` disables it), else the platform's data
/// directory (`$XDG_DATA_HOME/mbckg/history`, `~/.local/share/mbckg/history`, …).
pub fn default_path() -> Option<PathBuf> {
    if let Some(v) = std::env::var_os("MBCKG_HISTORY") {
        if v.is_empty() || v == "off" {
            return None;
        }
        return Some(PathBuf::from(v));
    }
    let base = if cfg!(windows) {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
    };
    base.map(|b| b.join("mbckg").join("history"))
}

/// A history file in use.
#[derive(Debug)]
pub struct History {
    path: PathBuf,
}

impl History {
    /// Opens the history at `path` and returns it with its entries, oldest first. A missing
    /// file is an empty history. `Err` is a warning to show; the session then keeps none.
    pub fn open(path: &Path) -> Result<(History, Vec<String>), String> {
        let entries = read(path).map_err(|e| e.to_string())?;
        Ok((
            History {
                path: path.to_path_buf(),
            },
            entries,
        ))
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Adds this session's entries to the file (see the module): what other sessions wrote
    /// meanwhile stays.
    pub fn append(&self, new: &[String]) -> Result<(), String> {
        if new.is_empty() {
            return Ok(());
        }
        let shown = self.path.display();
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| format!("cannot write history {shown}: {e}"))?;
        }
        let lock_path = PathBuf::from(format!("{}.lock", self.path.display()));
        let lock_file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| format!("cannot lock history {}: {e}", lock_path.display()))?;
        let mut lock = fd_lock::RwLock::new(lock_file);
        let _held = lock
            .write()
            .map_err(|e| format!("cannot lock history {}: {e}", lock_path.display()))?;
        let mut entries = read(&self.path).map_err(|e| e.to_string())?;
        entries.extend(new.iter().cloned());
        let keep = entries.len().saturating_sub(MAX_ENTRIES);
        crate::app::atomic::write(&self.path, format(&entries[keep..]).as_bytes())
            .map_err(|e| format!("cannot write history {shown}: {e}"))
    }
}

/// A history file that cannot be used, as the warning says.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The entries of the file at `path`; none when it does not exist.
fn read(path: &Path) -> Result<Vec<String>, Refused> {
    let shown = path.display();
    let refuse = |why: String| {
        Refused(format!(
            "history {shown} {why}; no history is kept this session"
        ))
    };
    // Look before opening: opening a FIFO waits for a writer, reading a device may never end.
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(refuse(format!("cannot be read ({e})"))),
    };
    if !meta.is_file() {
        return Err(refuse("is not a regular file".into()));
    }
    if meta.len() > MAX_BYTES {
        return Err(refuse(format!(
            "is {} bytes, more than a history holds ({MAX_BYTES})",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| refuse(format!("cannot be read ({e})")))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(refuse(format!(
            "is more than a history holds ({MAX_BYTES} bytes)"
        )));
    }
    Ok(parse(&String::from_utf8_lossy(&bytes)))
}

/// The entries of a history file's text, oldest first.
pub fn parse(text: &str) -> Vec<String> {
    let mut lines = text.lines().peekable();
    let escaped = lines.peek() == Some(&"#V2");
    if escaped {
        lines.next();
    }
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| if escaped { unescape(l) } else { l.to_string() })
        .collect()
}

/// The text of a history file holding `entries`.
pub fn format(entries: &[String]) -> String {
    let mut out = String::from("#V2\n");
    for e in entries {
        for c in e.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                _ => out.push(c),
            }
        }
        out.push('\n');
    }
    out
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some(d) => out.push(d),
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!("mbckg-hist-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).expect("a scratch folder");
        p
    }

    #[test]
    fn entries_round_trip_through_the_file_format() {
        let entries = vec![
            "drugs targeting HER2 and\ncausing diarrhea".to_string(),
            "show \"a\\b\"".to_string(),
        ];
        assert_eq!(parse(&format(&entries)), entries);
        assert_eq!(parse("old\nplain\n"), ["old", "plain"]);
    }

    #[test]
    fn two_sessions_appending_keep_each_others_entries() {
        let path = scratch("two").join("history");
        let (a, _) = History::open(&path).expect("opens");
        let (b, _) = History::open(&path).expect("opens");
        a.append(&["from a".into()]).expect("appends");
        b.append(&["from b".into()]).expect("appends");
        let (_, all) = History::open(&path).expect("opens");
        assert_eq!(all, ["from a", "from b"]);
    }

    #[test]
    fn the_file_keeps_the_newest_entries() {
        let path = scratch("cap").join("history");
        let (h, _) = History::open(&path).expect("opens");
        let many: Vec<String> = (0..MAX_ENTRIES + 10).map(|i| i.to_string()).collect();
        h.append(&many).expect("appends");
        let (_, kept) = History::open(&path).expect("opens");
        assert_eq!(kept.len(), MAX_ENTRIES);
        assert_eq!(kept[0], "10");
    }

    #[test]
    fn a_history_that_is_not_a_regular_file_is_refused() {
        let e = History::open(Path::new("/dev/full")).expect_err("refused");
        assert_eq!(
            e,
            "history /dev/full is not a regular file; no history is kept this session"
        );
        let dir = scratch("dir");
        assert!(History::open(&dir).is_err());
    }

    #[test]
    fn a_history_too_big_to_be_one_is_refused() {
        let path = scratch("big").join("history");
        let f = fs::File::create(&path).expect("creates");
        f.set_len(MAX_BYTES + 1).expect("grows");
        let e = History::open(&path).expect_err("refused");
        assert!(e.contains("more than a history holds"), "{e}");
    }

    #[test]
    fn history_can_be_disabled() {
        // Reads the environment, so only checks the shape of the default.
        if std::env::var_os("MBCKG_HISTORY").is_none() {
            if let Some(p) = default_path() {
                assert!(p.ends_with("mbckg/history"));
            }
        }
    }
}
