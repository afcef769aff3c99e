//! The edges of the program: the clap CLI, the rustyline REPL, the script runner and terminal
//! helpers (exit codes, tty checks, colour). The only room that reads scripts and stdin and that
//! decides exit codes; it may use every other room.

pub mod atomic;
pub mod cli;
pub mod complete;
pub mod history;
pub mod memory;
pub mod meta;
pub mod repl;
pub mod script;
pub mod term;
