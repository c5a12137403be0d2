//! A Connect Lambda whose future is not `Send` (it keeps an `Rc` across an `.await`): it still
//! compiles and serves on on-demand Lambda, and under `AWS_LAMBDA_MAX_CONCURRENCY` above 1 it
//! serves one invocation at a time and says why at start-up (`tests/concurrency.rs`).

use std::rc::Rc;
use std::time::Duration;

use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, ConnectResponse, Error};
use serde::Serialize;

#[derive(Serialize, ConnectResponse)]
struct Echo {
    id: String,
}

#[connect_handler]
async fn local_echo(event: ConnectEvent) -> Result<Echo, Error> {
    let id = Rc::new(event.parameter("id")?.to_owned());
    tokio::time::sleep(Duration::from_millis(20)).await;
    Ok(Echo {
        id: id.as_ref().clone(),
    })
}
