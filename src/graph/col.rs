//! A column of the store: either an owned `Vec<T>` (a graph built in this process) or a typed
//! slice of bytes someone else owns and shares (a snapshot mapped into memory by `load`), read
//! in place. Either way it derefs to `&[T]`, so the store's accessors do not know which.
//! Only plain-old-data element types ([`Plain`]) may be read from bytes, and only at checked
//! alignment and length. Uses nothing outside std.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Bytes that stay where they are while any column reads them (a read-only memory map, or a
/// buffer never changed again). Implementors promise that `bytes` returns the same memory,
/// unchanged, for as long as the value lives.
pub trait Backing: Send + Sync {
    fn bytes(&self) -> &[u8];
}

impl Backing for Vec<u8> {
    fn bytes(&self) -> &[u8] {
        self
    }
}

/// Bytes held as words, so they start 8-byte aligned as a mapped file does (snapshots held in
/// memory, tests).
impl Backing for Vec<u64> {
    fn bytes(&self) -> &[u8] {
        let len = self.len() * 8;
        // SAFETY: a `u64` is 8 initialised bytes with no padding, and any byte is a valid `u8`.
        unsafe { std::slice::from_raw_parts(self.as_ptr().cast::<u8>(), len) }
    }
}

/// Element types a column may read from raw bytes.
///
/// # Safety
/// Implementors must have a fixed layout (`#[repr(C)]` or a primitive or an array of them), no
/// padding bytes, and every bit pattern must be a valid value.
pub unsafe trait Plain: Copy + Send + Sync + 'static {}

// SAFETY: primitives and arrays of them: no padding, every bit pattern valid.
unsafe impl Plain for u8 {}
unsafe impl Plain for u16 {}
unsafe impl Plain for u32 {}
unsafe impl Plain for u64 {}
unsafe impl Plain for [u32; 2] {}
// SAFETY: `Pos` is `#[repr(C)]` of u32, u16, u16: 8 bytes, no padding, any bits valid.
unsafe impl Plain for super::Pos {}
// SAFETY: `PlaceRun` is `#[repr(C)]` of u32, u16, u16: 8 bytes, no padding, any bits valid.
unsafe impl Plain for super::PlaceRun {}

/// Plain elements as the bytes they are.
pub fn bytes_of<T: Plain>(s: &[T]) -> &[u8] {
    // SAFETY: `T: Plain` has no padding, so all `size_of_val(s)` bytes are initialised, and
    // `u8` has no alignment to meet.
    unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<u8>(), std::mem::size_of_val(s)) }
}

/// A column of `T`: owned, or read in place from shared bytes.
pub struct Col<T: Plain> {
    inner: Inner<T>,
}

enum Inner<T> {
    Owned(Vec<T>),
    Shared {
        ptr: *const T,
        len: usize,
        /// Keeps the bytes `ptr` points into alive.
        _owner: Arc<dyn Backing>,
    },
}

// SAFETY: a shared column only reads immutable bytes its `Arc` keeps alive; `Backing` is
// `Send + Sync` and `T: Plain` is `Send + Sync`, so moving or sharing the view across threads
// is as safe as moving or sharing a `&[T]` with the `Arc`.
unsafe impl<T: Plain> Send for Col<T> {}
unsafe impl<T: Plain> Sync for Col<T> {}

/// Why bytes cannot be read as a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColError {
    /// The range is not inside the bytes.
    OutOfBounds,
    /// The range does not start at a multiple of the element's alignment.
    Misaligned,
    /// The range's length is not a whole number of elements.
    Ragged,
}

impl<T: Plain> Col<T> {
    /// The elements held in `owner.bytes()[start..start + len_bytes]`, read in place.
    pub fn shared(
        owner: &Arc<dyn Backing>,
        start: usize,
        len_bytes: usize,
    ) -> Result<Col<T>, ColError> {
        let bytes = owner.bytes();
        let end = start.checked_add(len_bytes).ok_or(ColError::OutOfBounds)?;
        let part = bytes.get(start..end).ok_or(ColError::OutOfBounds)?;
        let size = std::mem::size_of::<T>();
        if size == 0 || !len_bytes.is_multiple_of(size) {
            return Err(ColError::Ragged);
        }
        let ptr = part.as_ptr();
        if !(ptr as usize).is_multiple_of(std::mem::align_of::<T>()) {
            return Err(ColError::Misaligned);
        }
        Ok(Col {
            inner: Inner::Shared {
                ptr: ptr.cast::<T>(),
                len: len_bytes / size,
                _owner: Arc::clone(owner),
            },
        })
    }

    /// The elements, owned: a shared column is copied first (builders that extend a column).
    pub fn to_mut(&mut self) -> &mut Vec<T> {
        if let Inner::Shared { .. } = self.inner {
            self.inner = Inner::Owned(self.to_vec());
        }
        match &mut self.inner {
            Inner::Owned(v) => v,
            Inner::Shared { .. } => unreachable!("made owned just above"),
        }
    }

    /// Bytes held on the heap (a shared column's bytes belong to its owner), for memory reports.
    pub fn heap_bytes(&self) -> usize {
        match &self.inner {
            Inner::Owned(v) => v.capacity() * std::mem::size_of::<T>(),
            Inner::Shared { .. } => 0,
        }
    }

    /// The elements as bytes, for writing them out.
    pub fn as_bytes(&self) -> &[u8] {
        bytes_of(self)
    }

    pub fn shrink_to_fit(&mut self) {
        if let Inner::Owned(v) = &mut self.inner {
            v.shrink_to_fit();
        }
    }
}

impl<T: Plain> Deref for Col<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.inner {
            Inner::Owned(v) => v,
            // SAFETY: `shared` checked that `len` elements from `ptr` lie inside the owner's
            // bytes and that `ptr` is aligned for `T`; `T: Plain` makes any bytes a valid `T`;
            // the `Arc` keeps the bytes alive and `Backing` keeps them unchanged.
            Inner::Shared { ptr, len, .. } => unsafe { std::slice::from_raw_parts(*ptr, *len) },
        }
    }
}

impl<T: Plain> From<Vec<T>> for Col<T> {
    fn from(v: Vec<T>) -> Col<T> {
        Col {
            inner: Inner::Owned(v),
        }
    }
}

/// Pairs become two-element arrays, whose layout (unlike a tuple's) is fixed.
impl From<Vec<(u32, u32)>> for Col<[u32; 2]> {
    fn from(v: Vec<(u32, u32)>) -> Col<[u32; 2]> {
        Col::from(v.into_iter().map(|(a, b)| [a, b]).collect::<Vec<_>>())
    }
}

impl<T: Plain> Default for Col<T> {
    fn default() -> Col<T> {
        Col::from(Vec::new())
    }
}

impl<T: Plain> Clone for Col<T> {
    fn clone(&self) -> Col<T> {
        match &self.inner {
            Inner::Owned(v) => Col::from(v.clone()),
            Inner::Shared { ptr, len, _owner } => Col {
                inner: Inner::Shared {
                    ptr: *ptr,
                    len: *len,
                    _owner: Arc::clone(_owner),
                },
            },
        }
    }
}

impl<T: Plain + fmt::Debug> fmt::Debug for Col<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.inner {
            Inner::Owned(_) => "owned",
            Inner::Shared { .. } => "mapped",
        };
        write!(f, "Col({kind}, {} items)", self.len())
    }
}

impl<T: Plain + PartialEq> PartialEq for Col<T> {
    fn eq(&self, other: &Col<T>) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[u64]) -> Arc<dyn Backing> {
        Arc::new(w.to_vec())
    }

    #[test]
    fn a_shared_column_reads_in_place_and_checks_its_range() {
        let owner = words(&[u64::from_le_bytes([1, 0, 0, 0, 2, 0, 0, 0]), 0]);
        let col: Col<u32> = Col::shared(&owner, 0, 8).expect("fits");
        assert_eq!(&*col, &[1u32.to_le(), 2u32.to_le()]);
        assert_eq!(col.heap_bytes(), 0);
        assert_eq!(
            Col::<u32>::shared(&owner, 8, 16).err(),
            Some(ColError::OutOfBounds)
        );
        assert_eq!(
            Col::<u32>::shared(&owner, 2, 4).err(),
            Some(ColError::Misaligned)
        );
        assert_eq!(
            Col::<u32>::shared(&owner, 0, 6).err(),
            Some(ColError::Ragged)
        );
        assert_eq!(
            Col::<u32>::shared(&owner, usize::MAX, 6).err(),
            Some(ColError::OutOfBounds)
        );
        let mut copy = col.clone();
        copy.to_mut().push(3);
        assert_eq!(copy.len(), 3);
        assert_eq!(col.len(), 2);
    }

    #[test]
    fn pairs_become_arrays() {
        let col: Col<[u32; 2]> = vec![(1, 2), (3, 4)].into();
        assert_eq!(&*col, &[[1, 2], [3, 4]]);
        assert_eq!(col.as_bytes().len(), 16);
    }
}
