#!/usr/bin/env bash
# Issue 13's target: an ASHA sweep against training the same configs fully (no early stopping in
# either, so the full budget is exactly 27 × 10 epochs). 27 seed-cnn trials on
# CIFAR-10 (lr log-uniform × batch size × augment, the same seeded sample for both), a 10-epoch budget;
# prints one JSON line per sweep and one comparing them. A subset by default (full CIFAR-10 takes hours
# on CPU): TRAIN_LIMIT/TEST_LIMIT/CONCURRENCY override. Needs `npx convlab data fetch cifar10` first.
set -euo pipefail
cd "$(dirname "$0")/.."
TRAIN_LIMIT=${TRAIN_LIMIT:-1000}
TEST_LIMIT=${TEST_LIMIT:-500}
CONCURRENCY=${CONCURRENCY:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DATABASE_URL="file:$work/convlab.db" CONVLAB_RUNS_DIR="$work/runs" CONVLAB_POLL_MS=200
convlab() { node apps/trainer/bin/convlab.mjs "$@"; }
convlab migrate >/dev/null

sweep() { # method → one JSON summary line
  local method=$1 start id
  start=$(date +%s)
  id=$(convlab sweep create --preset seed-cnn --dataset cifar10 --method "$method" \
    --param lr=log:1e-4:1e-2 --param batchSize=64,128,256 --param augment=true,false \
    --trials 27 --max-epochs 10 --eta 3 --seed 13 --validation-split 0.2 --early-stopping-patience 0 \
    --train-limit "$TRAIN_LIMIT" --test-limit "$TEST_LIMIT" --name "budget $method" --json | jq -r .id)
  convlab trainer --once --concurrency "$CONCURRENCY" >"$work/$method.log" 2>&1
  convlab sweep show "$id" --json | jq -c --arg wall $(($(date +%s) - start)) '{
    method, wallSeconds: ($wall | tonumber), counts, rungEpochs,
    epochs: ([.trials[].epochsDone] | add),
    bestValAcc: .trials[0].bestValAcc, bestTestAcc: .trials[0].testAcc, best: .trials[0].params,
    configs: ([.trials[].params | tostring] | sort),
    trials: [.trials[] | {params, status, epochsDone, bestValAcc}]
  }'
}

asha=$(sweep asha)
full=$(sweep random)
echo "$asha" | jq -c 'del(.configs, .trials)'
echo "$full" | jq -c 'del(.configs, .trials)'
jq -nc --argjson a "$asha" --argjson f "$full" --arg train "$TRAIN_LIMIT" --arg test "$TEST_LIMIT" '{
  subset: {trainLimit: ($train | tonumber), testLimit: ($test | tonumber)},
  sameConfigs: ($a.configs == $f.configs),
  epochShare: ($a.epochs / $f.epochs),
  bestValAccGapPoints: (($f.bestValAcc - $a.bestValAcc) * 100),
  fullBestInAsha: ($f.best as $b | $a.trials[] | select(.params == $b) | {status, epochsDone, bestValAcc})
}'
