#!/usr/bin/env bash
# The custom integration's generated configuration, checked with the field's own tools:
# - openapi-spec-validator on the starter's openapi.json (which it reads with a YAML parser)
#   and on a block-YAML rendering of it;
# - cfn-lint on the starter's SAM template, and on the same template with the document inlined
#   as the API's DefinitionBody, in block YAML and in JSON flow style;
# - the same for the document of the declared set whose selection patterns are the longest
#   (tests/src/bin/custom_widest.rs).
# The mapping templates (Apache Velocity) and the selection patterns (java.util.regex) are
# checked by `cargo test` (tests/tests/custom_openapi.rs and custom_patterns.rs).
# Needs python3 with openapi-spec-validator and cfn-lint: .ci/run installs them.
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in openapi-spec-validator cfn-lint; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "check-custom: \`$tool\` not found (pip install openapi-spec-validator cfn-lint)" >&2
    exit 1
  }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
starter=examples/apigw-custom-integration

cargo run -q -p apigw-custom-integration -- --openapi --path '/users/{id}' --method GET \
  >"$work/starter.json"
cmp -s "$work/starter.json" "$starter/openapi.json" || {
  echo "check-custom: $starter/openapi.json is stale: regenerate it (see its README)" >&2
  exit 1
}
cargo run -q -p lambda-contract-tests --bin custom_widest -- --openapi \
  --path '/users/{id}/parts/{part}' --method PUT --function GetUserFunction >"$work/widest.json"

failed=0
check() {
  local what=$1
  shift
  if output=$("$@" 2>&1); then
    echo "ok: $what"
  else
    echo "FAILED: $what"
    printf '%s\n' "$output" | tail -n 15 | sed 's/^/    /'
    failed=1
  fi
}

check "cfn-lint $starter/template.yaml" cfn-lint "$starter/template.yaml"
for document in starter widest; do
  json="$work/$document.json"
  python3 tests/tools/inline_openapi.py yaml "$json" >"$work/$document.yaml"
  check "openapi-spec-validator: $document document, JSON" openapi-spec-validator "$json"
  check "openapi-spec-validator: $document document, YAML" openapi-spec-validator "$work/$document.yaml"
  for style in yaml flow; do
    python3 tests/tools/inline_openapi.py sam "$starter/template.yaml" "$json" "$style" \
      >"$work/$document-$style.yaml"
    check "cfn-lint: SAM template, $document document inlined ($style)" cfn-lint "$work/$document-$style.yaml"
  done
done
exit "$failed"
