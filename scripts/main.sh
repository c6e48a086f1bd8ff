#!/usr/bin/env bash
# Sets up WeaverGen and runs its main job: render the real semantic
# conventions v1.44.0 to the Python package, then report what it cost.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
registry="${REGISTRY:-../shared/data/semconv/v1.44.0/model}"
out="${OUT:-out/python}"
.venv/bin/weavergen registry generate -r "$registry" python "$out"
.venv/bin/weavergen report
