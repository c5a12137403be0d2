//! Arbitrary bytes as a Connect payload.
#![no_main]

use lambda_contract::testing::invoke_raw;
use lambda_contract_fuzz::{block_on, check_connect, connect, context};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: lambda_contract_fuzz::expect_handler_panics(), |data: &[u8]| {
    check_connect(block_on(invoke_raw(&connect::echo_lambda(), data, context())));
});
