//! Writing a file whole or not at all: the text goes to a temporary file beside the target,
//! is synced, then renamed over it, so a full disk or a crash leaves the old file as it was.
//! Used for exports and the REPL's history; nothing here decides what to write.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (see the module). A path that exists and is not a
/// regular file (`/dev/stdout`, a FIFO) is written directly, as there is nothing to replace.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |f| f.write_all(bytes))
}

/// As [`write`], with `fill` writing the content into the temporary file. When `fill` fails
/// the temporary file is removed and the target is untouched.
pub fn write_with(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    // What the path ends at, links followed: not a regular file (`/dev/stdout`, which links to
    // a pipe that has no name to resolve; a FIFO) is written directly.
    let old = fs::metadata(path).ok();
    if old.as_ref().is_some_and(|m| !m.is_file()) {
        let mut f = OpenOptions::new().write(true).open(path)?;
        return fill(&mut f).and_then(|()| f.flush());
    }
    // Follow a symbolic link to a file, so the link stays and its target is replaced.
    let target = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path)?,
        _ => path.to_path_buf(),
    };
    let (tmp, mut file) = temporary_beside(&target)?;
    let written = fill(&mut file).and_then(|()| file.sync_all());
    drop(file);
    let done = written
        .and_then(|()| match &old {
            Some(m) => fs::set_permissions(&tmp, m.permissions()),
            None => Ok(()),
        })
        .and_then(|()| fs::rename(&tmp, &target));
    if done.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    done
}

/// A new, empty file in the target's folder, named after it.
fn temporary_beside(target: &Path) -> io::Result<(PathBuf, File)> {
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?
        .to_string_lossy()
        .into_owned();
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let pid = std::process::id();
    let mut attempt = 0u32;
    loop {
        let tmp = dir.join(format!(".{name}.{pid}-{attempt}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 1000 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!("mbckg-atomic-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).expect("a scratch folder");
        p
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = scratch("fail");
        let path = dir.join("graph.dot");
        fs::write(&path, "old").expect("writes");
        let e = write_with(&path, |f| {
            f.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(e.is_err());
        assert_eq!(fs::read_to_string(&path).expect("reads"), "old");
        assert_eq!(fs::read_dir(&dir).expect("lists").count(), 1);
    }

    #[test]
    fn a_write_replaces_the_file_and_keeps_a_link() {
        let dir = scratch("ok");
        let path = dir.join("graph.dot");
        fs::write(&path, "old").expect("writes");
        write(&path, b"new").expect("writes");
        assert_eq!(fs::read_to_string(&path).expect("reads"), "new");
        #[cfg(unix)]
        {
            let link = dir.join("link.dot");
            std::os::unix::fs::symlink(&path, &link).expect("links");
            write(&link, b"newer").expect("writes");
            assert!(fs::symlink_metadata(&link)
                .expect("stat")
                .file_type()
                .is_symlink());
            assert_eq!(fs::read_to_string(&path).expect("reads"), "newer");
        }
    }
}
