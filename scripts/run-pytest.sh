#!/usr/bin/env bash
# The whole suite on SQLite, then the database-backed tests again on PostgreSQL when it is
# reachable (in CI it must be).
set -euo pipefail
BIN=.venv/bin
PG_URL=${ZHIXUAN_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}

"$BIN/python" -m pytest -q "$@"

if "$BIN/python" - "$PG_URL" <<'PY'
import sys
import psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then
  if [ -d tests/web ]; then
    echo "--- database tests again on PostgreSQL"
    DATABASE_URL="$PG_URL" ZHIXUAN_TEST_DB_NAME="test_zhixuan_$$" "$BIN/python" -m pytest -q tests/web "$@"
  fi
elif [ "${CI:-}" = "true" ]; then
  echo "CI requires PostgreSQL at $PG_URL" >&2
  exit 1
fi
