#!/usr/bin/env bash
# Builds model-scpretrain and runs PretrainBench from the repository root, passing its arguments on:
#   [dataDir=data] [iterations=10] [seeds=3] [targets=kang-donor,sorted-heldout,kang-stim]
#   [maxCellsPerDataset=4000] [fineTuneEpochs=100]
# The class path is linked into a short directory first: ONNX Runtime 1.29's Java binding segfaults at
# OrtEnvironment start-up when the JVM command line is longer than about 4 KB (found by model-baselines).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -o -q -B -pl model-scpretrain -am -Dcytolabel.buildDir=target-model-scpretrain -DskipTests package \
  dependency:build-classpath -Dmdep.outputFile=/tmp/cp-model-scpretrain.txt -Dmdep.includeScope=runtime
lib=$(mktemp -d /tmp/scp.XXXX)
trap 'rm -rf "$lib"' EXIT
i=0
for jar in $(tr ':' ' ' < /tmp/cp-model-scpretrain.txt); do
  i=$((i + 1)); ln -s "$jar" "$lib/$i.jar"
done
mkdir "$lib/c"
cp -r model-scpretrain/target-model-scpretrain/classes/. "$lib/c/"
nice -n 10 java -Xmx4g -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$lib/c:$lib/*" org.cytolabel.trainer.pretrain.bench.PretrainBench "$@"
