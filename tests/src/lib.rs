//! Tests of lambda-contract: trybuild UI tests, integration tests and benchmarks.
