#!/bin/sh
# JMH benchmarks of the SDK; never part of `mvn test`.
#   resource-sdk/bench.sh             RS256 verifications/s per thread, TokenVerifier vs bare nimbus
#                                     RSASSAVerifier on the same token, and verify with the Token Status
#                                     List check (list warm) vs without, and verify with usage counting vs
#                                     without, with their ratios, in 3 rounds, the last two also by CPU time;
#                                     writes docs/sdk-verification.md (about 6 minutes)
#   resource-sdk/bench.sh algorithms  sign and verify cost of RS256, ES256 and EdDSA; writes
#                                     docs/signing-algorithms.md (about 2 minutes)
set -e
cd "$(dirname "$0")/.."
main=dev.keymint.sdk.bench.VerifyBenchmark
[ "${1:-}" = algorithms ] && main=dev.keymint.sdk.bench.AlgorithmCostBenchmark
# exec runs in resource-sdk/; the algorithms table is written relative to the repository root.
exec ./mvnw -B -q -pl resource-sdk -Pbench test-compile exec:exec -Dbench.main="$main" -Dexec.workingdir="$(pwd)"
