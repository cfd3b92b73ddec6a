#!/usr/bin/env bash
# Makes the two base images the container test passes to deploy/Dockerfile (no registry can be pulled
# from here): a minimal Debian 12 from debootstrap with this machine's Node 20 laid out as in the
# official node images (/usr/local: node, npm, Node's headers), imported with podman; and the same
# with python3, make and g++ for the build stages, as node:20-bookworm has them. The images trust what
# this machine trusts (its CA bundle, through NODE_EXTRA_CA_CERTS), as its own npm does.
# Usage: make-base-images.sh <slim image name> <build image name>   (podman must be set up: CONTAINERS_CONF)
set -euo pipefail
slim=$1
build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs

debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" ||
  { tail -20 "$work/debootstrap.log" >&2; exit 1; }

node_bin=$(readlink -f "$(command -v node)")
node_prefix=$(dirname "$(dirname "$node_bin")") # /usr/bin/node: headers in /usr/include/node
npm_dir=$(npm root -g)/npm
install -D "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules" "$rootfs/usr/local/include"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
cp -a "$node_prefix/include/node" "$rootfs/usr/local/include/node"
ca_bundle=/etc/ssl/certs/ca-certificates.crt
change_ca=()
if [ -f "$ca_bundle" ]; then
  install -D -m 644 "$ca_bundle" "$rootfs$ca_bundle"
  change_ca=(--change "ENV NODE_EXTRA_CA_CERTS=$ca_bundle")
fi
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/locale

tar -C "$rootfs" -c . | podman import --change 'CMD ["node"]' "${change_ca[@]}" - "$slim" >/dev/null

podman --runtime runc build --network host -t "$build" -f - "$work" >"$work/build.log" 2>&1 <<DOCKERFILE ||
FROM $slim
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  python3 make g++ >/dev/null && rm -rf /var/lib/apt/lists/*
DOCKERFILE
  { tail -20 "$work/build.log" >&2; exit 1; }
