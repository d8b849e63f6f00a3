//! Shared test helpers live in the test files.
