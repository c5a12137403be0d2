//! Benchmark twin of `examples/connect-customer-lookup`, written the way lambda_runtime's
//! docs show, without lambda-contract.
//!
//! - the flow block sends the number as the function input parameter `phone`: a block that
//!   forgets it is a Lambda error, so the contact takes the Error branch;
//! - an unknown number is not an error: the flow reads `found = "false"`;
//! - the table is built once per sandbox, before `run`, and shared by reference.

use std::collections::HashMap;

use aws_lambda_events::connect::{ConnectEvent, ConnectResponse};
use lambda_runtime::{service_fn, tracing, Error, LambdaEvent};

/// What the flow reads under `$.External` when the caller is known.
#[derive(Debug, Clone)]
struct Account {
    account_id: String,
    tier: String,
    balance_cents: i64,
    vip: bool,
    nickname: Option<String>,
}

/// Stands in for a database client: built once, shared by every invocation.
struct Accounts {
    by_phone: HashMap<String, Account>,
}

impl Accounts {
    async fn find(&self, phone: &str) -> Result<Option<Account>, Error> {
        Ok(self.by_phone.get(phone).cloned())
    }
}

async fn load_accounts() -> Result<Accounts, Error> {
    let account =
        |id: &str, tier: &str, balance_cents: i64, vip: bool, nickname: Option<&str>| Account {
            account_id: id.to_owned(),
            tier: tier.to_owned(),
            balance_cents,
            vip,
            nickname: nickname.map(str::to_owned),
        };
    Ok(Accounts {
        by_phone: HashMap::from([
            (
                "+15555550100".to_owned(),
                account("A-1001", "gold", 125_000, true, Some("Ada")),
            ),
            (
                "+15555550142".to_owned(),
                account("A-1002", "silver", -2_550, false, None),
            ),
        ]),
    })
}

/// Connect reads a flat map of strings: every value is converted here, by hand.
fn to_connect(account: Option<Account>) -> ConnectResponse {
    let Some(account) = account else {
        return HashMap::from([("found".to_owned(), "false".to_owned())]);
    };
    let mut out = HashMap::with_capacity(6);
    out.insert("found".to_owned(), "true".to_owned());
    out.insert("accountId".to_owned(), account.account_id);
    out.insert("tier".to_owned(), account.tier);
    out.insert("balanceCents".to_owned(), account.balance_cents.to_string());
    out.insert("vip".to_owned(), account.vip.to_string());
    if let Some(nickname) = account.nickname {
        out.insert("nickname".to_owned(), nickname);
    }
    out
}

async fn lookup(
    event: LambdaEvent<ConnectEvent>,
    accounts: &Accounts,
) -> Result<ConnectResponse, Error> {
    let phone = event.payload.details.parameters.get("phone").ok_or(
        "missing parameter `phone`: the flow block's function input parameters do not include it",
    )?;
    Ok(to_connect(accounts.find(phone).await?))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let accounts = load_accounts().await?;
    let accounts = &accounts;
    lambda_runtime::run(service_fn(move |event| lookup(event, accounts))).await
}
