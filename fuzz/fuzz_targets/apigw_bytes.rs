//! Arbitrary bytes as an API Gateway / ALB payload.
#![no_main]

use lambda_contract::testing::invoke_raw;
use lambda_contract_fuzz::{apigw, block_on, check_apigw, context};
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: lambda_contract_fuzz::expect_handler_panics(), |data: &[u8]| {
    check_apigw(block_on(invoke_raw(&apigw::route_lambda(), data, context())));
});
