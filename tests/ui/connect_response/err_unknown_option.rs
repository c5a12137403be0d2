use lambda_contract::ConnectResponse;
use serde::Serialize;

#[derive(Serialize, ConnectResponse)]
#[connect(jsno)]
struct Lookup {
    account_id: String,
}

fn main() {}
