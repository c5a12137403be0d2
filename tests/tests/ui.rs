//! Compile-time contract checks: every mistake is a fail case whose `.stderr` is reviewed like
//! documentation; every accepted shape is a pass case that also runs.
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test -p lambda-contract-tests
//! --test ui`, then read the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/*/ok_*.rs");
    cases.compile_fail("ui/*/err_*.rs");
}
