#!/usr/bin/env bash
# The GPU check (issue 15), for a maintainer on a machine with a GPU and Vulkan: TensorFlow.js on
# WebGPU (Dawn) must find a real GPU adapter, pass the correctness cases CI runs on lavapipe, and
# report train img/s for seed-cnn, cnn-plus and transfer-plus's fine-tune on real CIFAR-10 batches.
# One JSON line per case on stdout; exit code 1 when a case failed, 124 past the 8-minute limit
# (GPU_CHECK_LIMIT_S=480: the case running then fails and the rest are skipped, each with a line).
#
# Needs CIFAR-10 in CONVLAB_DATA_DIR (fetched first if it is missing) and the MobileNetV2 1.0 weights
# (the shared assets, or CONVLAB_MOBILENET_URL). GPU_CHECK_SOFTWARE=1 accepts a software adapter
# (lavapipe), to try the script itself on a machine without a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
convlab() { node apps/trainer/bin/convlab.mjs "$@"; }

# Fetching is not part of the timed check: a download can take longer than the check itself.
convlab data fetch cifar10 >&2

require_gpu=--require-gpu
[ "${GPU_CHECK_SOFTWARE:-0}" = 1 ] && require_gpu=
cd apps/trainer
exec timeout -k 30 "${GPU_CHECK_LIMIT_S:-480}" node --import tsx bench/gpu-check.ts $require_gpu --throughput "$@"
