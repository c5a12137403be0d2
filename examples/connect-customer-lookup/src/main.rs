//! An Amazon Connect Lambda that looks up the caller's account by phone number.
//!
//! - the flow block sends the number as the function input parameter `phone`: a block that
//!   forgets it is a Lambda error (`?` on `MissingParameter`), so the contact takes the Error
//!   branch and the error shows in Lambda's metrics;
//! - an unknown number is not an error but a business fact: `None` sends `found = "false"`;
//! - `init` builds the table once per sandbox, as you would build an SDK client.
//!
//! Run it on a sample event, from the repository root:
//! `cargo run -p connect-customer-lookup -- examples/connect-customer-lookup/events/found.json`.

use std::collections::HashMap;

use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, ConnectResponse, Error};
use serde::Serialize;

/// What the flow reads under `$.External` when the caller is known.
#[derive(Debug, Clone, PartialEq, Serialize, ConnectResponse)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    account_id: String,
    tier: String,
    balance_cents: i64,
    vip: bool,
    nickname: Option<String>,
}

/// Stands in for a database client: built once, shared by every invocation.
pub struct Accounts {
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

#[connect_handler(init = load_accounts, timeout_ms = 3000)]
async fn lookup(event: ConnectEvent, accounts: &Accounts) -> Result<Option<Account>, Error> {
    let phone = event.parameter("phone")?;
    accounts.find(phone).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(parameters: serde_json::Value) -> serde_json::Value {
        json!({
            "Name": "ContactFlowEvent",
            "Details": {
                "ContactData": { "ContactId": "test-contact", "Channel": "VOICE" },
                "Parameters": parameters
            }
        })
    }

    #[tokio::test]
    async fn the_handler_is_an_ordinary_function() {
        let accounts = load_accounts().await.unwrap();
        let typed: ConnectEvent =
            serde_json::from_value(event(json!({ "phone": "+15555550142" }))).unwrap();
        let account = lookup(typed, &accounts).await.unwrap().unwrap();
        assert_eq!(account.account_id, "A-1002");
    }

    #[tokio::test]
    async fn the_glue_sends_what_connect_reads() {
        let out = lambda_contract::testing::invoke(
            &lookup_lambda(),
            event(json!({ "phone": "+15555550100" })),
        )
        .await
        .unwrap();
        assert_eq!(
            out,
            json!({
                "found": "true", "accountId": "A-1001", "tier": "gold",
                "balanceCents": "125000", "vip": "true", "nickname": "Ada"
            })
        );
        let out =
            lambda_contract::testing::invoke(&lookup_lambda(), event(json!({ "phone": "+1000" })))
                .await
                .unwrap();
        assert_eq!(out, json!({ "found": "false" }));
    }

    #[tokio::test]
    async fn a_missing_parameter_is_a_lambda_error() {
        let error = lambda_contract::testing::invoke(&lookup_lambda(), event(json!({})))
            .await
            .unwrap_err();
        assert_eq!(error.error_type, "MissingParameter");
    }
}
