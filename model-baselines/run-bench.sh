#!/usr/bin/env bash
# Builds model-baselines and runs BaselineBench from the repository root, passing its arguments on.
# The class path is linked into a short directory first: ONNX Runtime 1.29's Java binding
# segfaults at OrtEnvironment start-up when the JVM command line is longer than about 4 KB
# (a plain "-cp <63 jars under ~/.m2>" is), see BENCH.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -o -q -B -pl model-baselines -am -Dcytolabel.buildDir=target-model-baselines -DskipTests package \
  dependency:build-classpath -Dmdep.outputFile=/tmp/cp-model-baselines.txt -Dmdep.includeScope=runtime
lib=$(mktemp -d /tmp/mbl.XXXX)
trap 'rm -rf "$lib"' EXIT
i=0
for jar in $(tr ':' ' ' < /tmp/cp-model-baselines.txt); do
  i=$((i + 1)); ln -s "$jar" "$lib/$i.jar"
done
ln -s "$PWD/model-baselines/target-model-baselines/classes" "$lib/c"
nice -n 10 java -Xmx6g -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$lib/c:$lib/*" org.cytolabel.trainer.baseline.bench.BaselineBench "$@"
