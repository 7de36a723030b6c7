#!/bin/sh
# JMH benchmarks of the SDK; never part of `mvn test`.
#   resource-sdk/bench.sh             RS256 verifications/s per thread, TokenVerifier vs bare nimbus
#                                     RSASSAVerifier on the same token, and verify with the Token Status
#                                     List check (list warm) vs without, and verify with usage counting vs
#                                     without, with their ratios, in 3 rounds, the last two also by CPU time;
#                                     writes docs/sdk-verification.md (about 6 minutes)
#   resource-sdk/bench.sh algorithms  sign and verify cost of RS256, ES256 and EdDSA; writes
#                                     docs/signing-algorithms.md (about 2 minutes)
#   resource-sdk/bench.sh json        the SDK's JSON reader against nimbus' JSONObjectUtils.parse on a token
#                                     payload, parses/s and bytes per parse; writes docs/sdk-json-reader.md
#                                     (about 1 minute)
set -e
cd "$(dirname "$0")/.."
main=dev.keymint.sdk.bench.VerifyBenchmark
[ "${1:-}" = algorithms ] && main=dev.keymint.sdk.bench.AlgorithmCostBenchmark
[ "${1:-}" = json ] && main=dev.keymint.sdk.bench.JsonReaderBenchmark
# exec runs in resource-sdk/; the tables are written relative to the repository root.
exec ./mvnw -B -q -pl resource-sdk -Pbench test-compile exec:exec -Dbench.main="$main" -Dexec.workingdir="$(pwd)"
