//! Integration tests of rift-corpus: the shipped entries, and what a malformed entry gets.

mod classify;
mod entries;
mod errors;
mod search;
