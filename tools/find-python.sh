#!/usr/bin/env sh
# Print the path of a Python >= 3.12: $PYTHON if set, else python3.13 / python3.12 on PATH,
# else a pyenv-installed 3.12+ (the bare pyenv shims fail without PYENV_VERSION), else python3.
# Exits 1 with a message when none is found.
ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
for cand in "${PYTHON:-}" python3.13 python3.12; do
  [ -n "$cand" ] && command -v "$cand" >/dev/null 2>&1 && ok "$cand" && { command -v "$cand"; exit 0; }
done
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for cand in $(ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do
    ok "$cand/bin/python" && { echo "$cand/bin/python"; exit 0; }
  done
fi
for cand in python3 python; do
  command -v "$cand" >/dev/null 2>&1 && ok "$cand" && { command -v "$cand"; exit 0; }
done
echo "ruimte needs Python >= 3.12: install one, or set PYTHON=/path/to/python3.12" >&2
exit 1
