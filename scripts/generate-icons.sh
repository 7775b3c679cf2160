#!/usr/bin/env bash
# Regenerates the PNG app icons in public/ from their SVG sources (needs rsvg-convert:
# `apt-get install -y librsvg2-bin`). The PNGs are committed, so the build does not need this.
set -euo pipefail
cd "$(dirname "$0")/.."
rsvg-convert -w 192 -h 192 public/favicon.svg -o public/icon-192.png
rsvg-convert -w 512 -h 512 public/favicon.svg -o public/icon-512.png
rsvg-convert -w 512 -h 512 scripts/icons/icon-maskable.svg -o public/icon-maskable-512.png
rsvg-convert -w 180 -h 180 public/favicon.svg -o public/apple-touch-icon.png
