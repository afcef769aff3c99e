//! How soon the allocator gives freed memory back to the system.
//!
//! mimalloc (the binary's allocator) keeps memory it has freed for a while before it returns it,
//! in case it is asked for again. In its version 3 that while is a second, and a large load frees
//! and allocates hundreds of megabytes in less: the columns a reader filled are freed just before
//! the store's columns of the same size are made, so both are resident at once. At 1,000,000
//! drugs that was 613 MB at the peak against 447 MB with a 10 ms delay (version 2's default),
//! with loads and queries as fast (see the README's performance section).

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_e` in `mimalloc.h` (versions 2
/// and 3 agree), which the `libmimalloc-sys` bindings do not name.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Milliseconds mimalloc keeps freed memory before it returns it to the system.
const PURGE_AFTER_MS: std::ffi::c_long = 10;

/// Makes mimalloc return freed memory after [`PURGE_AFTER_MS`]. Call it first thing in `main`
/// of a program whose global allocator is mimalloc (elsewhere it does nothing that matters).
pub fn return_freed_memory_soon() {
    // SAFETY: sets one of mimalloc's options by its number; any value is allowed for this one
    // (negative: never return memory) and the call may come from any thread at any time.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_AFTER_MS) };
}

/// Milliseconds mimalloc keeps freed memory while a graph is read and laid out: a load frees
/// its tables and columns and soon asks for as much again, and memory returned in between
/// comes back as fresh pages the system zeroes a second time (about a tenth of a large load's
/// time at a 10 ms delay). Long enough to span a phase of a large load, short enough that
/// memory freed early is not all still held at the peak (at 1,000,000 drugs 200 ms gave the
/// same load time as 1000 ms, at a peak of 544 MB against 574 MB).
const PURGE_WHILE_LOADING_MS: std::ffi::c_long = 200;

/// Runs `load` with freed memory kept for reuse, then gives back at once what is free and
/// returns to the usual delay ([`PURGE_AFTER_MS`]); the peak of memory is higher by what the
/// load frees and does not ask for again (at 1,000,000 drugs about 545 MB against 460 MB).
pub fn keeping_freed_memory<T>(load: impl FnOnce() -> T) -> T {
    /// Back to the usual delay, and freed memory returned, however `load` ends.
    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            // SAFETY: as in `return_freed_memory_soon`; `mi_collect` may be called from any
            // thread at any time (it frees only memory no allocation holds).
            unsafe {
                libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_AFTER_MS);
                libmimalloc_sys::mi_collect(true);
            }
        }
    }
    // SAFETY: as in `return_freed_memory_soon`.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_WHILE_LOADING_MS) };
    let _restore = Restore;
    load()
}
