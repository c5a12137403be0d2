//! A custom-integration handler that declares the set of statuses whose selection patterns are
//! the longest a search found (the 500 pattern spells the unmapped codes, which this set makes
//! as irregular as it can), for `tests/tools/check-custom.sh`: its `--openapi` document must
//! still read as YAML and pass `openapi-spec-validator` and `cfn-lint`.

use lambda_contract::apigw::ApiError;
use lambda_contract::apigw_custom;

#[apigw_custom(errors(
    404, 406, 412, 416, 421, 424, 426, 433, 436, 443, 447, 450, 454, 458, 464, 467, 472, 475, 478,
    483, 485, 487, 493, 495, 499, 503, 507, 512, 516, 523, 526, 528, 532, 535, 537, 543, 547, 553,
    555, 558, 563, 565, 570, 573, 576, 583, 585, 586, 593, 596
))]
async fn widest(input: serde_json::Value) -> Result<serde_json::Value, ApiError> {
    Err(ApiError::not_found(format!("nothing for {input}")))
}
