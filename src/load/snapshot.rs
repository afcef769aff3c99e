//! The I/O of opening a native snapshot (`mbckg snapshot -o FILE`): the file is mapped into
//! memory and handed to `graph::snapshot::decode`, which checks it and reads its columns in
//! place. A snapshot is known by its first bytes, not its name.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use memmap2::Mmap;

use crate::diag::Diagnostic;
use crate::graph::snapshot::{self, SnapshotError};
use crate::graph::{Backing, KnowledgeGraph};
use crate::model::Origin;

/// A read-only map of a snapshot file.
struct Mapped(Mmap);

impl Backing for Mapped {
    fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Whether `path` is a file that begins as a snapshot does.
pub fn is_snapshot(path: &Path) -> bool {
    let mut head = [0u8; 8];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| snapshot::has_magic(&head))
}

/// Opens the snapshot at `path`; any problem is one diagnostic naming the file.
pub fn open(path: &Path) -> Result<KnowledgeGraph, Vec<Diagnostic>> {
    let at = || Origin {
        file: path.display().to_string(),
        ..Origin::default()
    };
    let fail = |message: String| vec![Diagnostic::error(message, at())];
    let refuse =
        |e: SnapshotError| vec![Diagnostic::error(e.to_string(), at()).with_help(e.help())];
    let file = File::open(path).map_err(|e| fail(format!("cannot open the snapshot: {e}")))?;
    // An empty file cannot be mapped; it is not a snapshot either.
    if file.metadata().map(|m| m.len()).unwrap_or(0) == 0 {
        return Err(refuse(SnapshotError::NotSnapshot));
    }
    // SAFETY: the map is read-only and private to this process. Were another process to change
    // or truncate the file while it is mapped, reads could see the change or fault; `mbckg
    // snapshot` never changes a file in place (it writes a new file and renames it over the
    // old one, which leaves this map on the old contents).
    let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }
        .map_err(|e| fail(format!("cannot map the snapshot into memory: {e}")))?;
    let backing: Arc<dyn Backing> = Arc::new(Mapped(map));
    snapshot::decode(backing).map_err(refuse)
}
