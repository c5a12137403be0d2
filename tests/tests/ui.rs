//! Compile-time contract checks: every mistake is a fail case whose `.stderr` is reviewed like
//! documentation; every accepted shape is a pass case that also runs.
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test -p lambda-contract-tests
//! --test ui`, then read the diff.

#[test]
fn ui() {
    // trybuild colours its report whenever `TERM` is set, terminal or not (termcolor's `Auto`
    // does not look at the stream): a CI log or a redirected run would get raw ANSI codes.
    // `NO_COLOR` (no-color.org) is the switch termcolor honours; a user's own choice stands.
    if !std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none()
    {
        std::env::set_var("NO_COLOR", "1");
    }
    let cases = trybuild::TestCases::new();
    cases.pass("ui/*/ok_*.rs");
    cases.compile_fail("ui/*/err_*.rs");
}
