#!/bin/sh
# Removes from the trainer image's production node_modules what convlab never loads at run time, to
# keep the image small. Usage: prune-node-modules.sh <app folder>
set -eu
cd "$1/node_modules"
# The optional tfjs-node packages: installed without their native library (install scripts are
# skipped), and never shipped: they need CUDA 11.2 and cuDNN 8.1.
rm -rf @tensorflow/tfjs-node @tensorflow/tfjs-node-gpu
# The Prisma CLI and what only it uses (npm installs it as @prisma/client's optional peer). The clients
# are generated in the build stage, and `convlab migrate` applies the SQL itself.
rm -rf prisma @prisma/dev @prisma/studio-core @prisma/schema-engine-wasm @electric-sql effect typescript
# TensorFlow.js's browser bundles (Node loads each package's *.node.js build) and every source map.
find @tensorflow -path '*/dist/*' -name 'tf*.js' ! -name '*.node.js' -delete
find . -name '*.map' -type f -delete
# better-sqlite3's C sources and build leftovers (the addon is copied in from the build stage).
rm -rf better-sqlite3/deps better-sqlite3/src better-sqlite3/build
# Dawn's binaries for other platforms.
find webgpu/dist -mindepth 1 -maxdepth 1 ! -name "linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')" \
  -exec rm -rf {} +
