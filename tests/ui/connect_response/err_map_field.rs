use lambda_contract::ConnectResponse;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Serialize, ConnectResponse)]
struct Customer {
    tags: HashMap<String, String>,
}

fn main() {}
