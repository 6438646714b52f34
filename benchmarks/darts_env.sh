#!/usr/bin/env bash
# Creates benchmarks/.darts-venv: Darts for bench_darts.py only, never in the app's own .venv.
# torch is pinned in the same pip command as Darts (and seqlab's own pins), so pip keeps the local
# 2.13.0 CPU wheel instead of pulling an unpinned CUDA build. seqlab itself is imported from the
# checkout (bench_darts.py puts it on sys.path), so nothing is written into the source tree.
#
#     bash benchmarks/darts_env.sh        # about two minutes; run it again to rebuild
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="$HERE/.darts-venv"
DARTS_VERSION=0.48.1  # the newest Darts on PyPI (2026-11); Python >= 3.11, torch >= 2.6
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q -r "$HERE/../requirements.txt" torch==2.13.0 "darts[torch]==$DARTS_VERSION"
"$VENV/bin/python" - <<'PY'
import darts, pytorch_lightning, torch
assert torch.__version__.split("+")[0] == "2.13.0", torch.__version__
print(f"darts {darts.__version__}, pytorch_lightning {pytorch_lightning.__version__}, torch {torch.__version__}")
PY
