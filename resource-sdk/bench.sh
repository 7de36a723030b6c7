#!/bin/sh
# JMH: RS256 verifications/s per thread, TokenVerifier vs bare nimbus RSASSAVerifier (about 1 minute).
# Prints both scores and their ratio (target >= 0.85). Never runs as part of `mvn test`.
set -e
cd "$(dirname "$0")/.."
exec ./mvnw -B -q -pl resource-sdk -am -Pbench test-compile exec:exec
