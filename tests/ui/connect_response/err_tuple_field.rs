use lambda_contract::ConnectResponse;
use serde::Serialize;

#[derive(Serialize, ConnectResponse)]
struct Hours {
    open: (u8, u8),
}

fn main() {}
