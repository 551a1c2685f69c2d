#!/usr/bin/env bash
# Quality gates and the test suite; `make test` runs this from the repository root once .venv exists.
#
# Database: $DATABASE_URL if set; otherwise a throwaway PostgreSQL cluster when the server binaries
# are on the machine; otherwise SQLite (an error when CI=true).
# Browser: the e2e tests drive the system Chromium ($PEERWORK_CHROMIUM, /usr/bin/chromium or
# `chromium` on PATH); without it they are skipped (an error when CI=true).
# Extra arguments go to pytest: `bash scripts/test.sh -k login -x`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=${VENV:-.venv}
PY=$VENV/bin/python
CI=${CI:-false}

note() { printf '==> %s\n' "$*" >&2; }
die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

[[ -x $PY ]] || die "$PY not found: run \`make test\` (it creates $VENV) instead of this script."

export DJANGO_SETTINGS_MODULE=peerwork.settings_test
export DJANGO_ALLOW_ASYNC_UNSAFE=true # Playwright's sync API runs an event loop beside the ORM.

# --- Browser for the end-to-end tests --------------------------------------------------------
chromium=${PEERWORK_CHROMIUM:-}
if [[ -z $chromium ]]; then
	if [[ -x /usr/bin/chromium ]]; then
		chromium=/usr/bin/chromium
	else
		chromium=$(command -v chromium || true)
	fi
fi
if [[ -n $chromium && -x $chromium ]]; then
	export PEERWORK_CHROMIUM=$chromium
	note "Browser: $chromium"
elif [[ $CI == true ]]; then
	die "Chromium not found (looked at \$PEERWORK_CHROMIUM, /usr/bin/chromium, PATH); CI must run the end-to-end tests. Install it: apt-get install -y chromium"
else
	unset PEERWORK_CHROMIUM
	note "NOTICE: Chromium not found; end-to-end tests will be SKIPPED (apt-get install chromium)."
fi

# --- PostgreSQL server binaries --------------------------------------------------------------
pg_bin=
if [[ -z ${DATABASE_URL:-} ]]; then
	if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
		pg_bin=$(dirname "$(readlink -f "$(command -v initdb)")")
	else
		for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
			if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
				pg_bin=$dir
				break
			fi
		done
	fi
	if [[ -n $pg_bin && $(id -u) == 0 ]] && ! id -u postgres >/dev/null 2>&1; then
		note "PostgreSQL binaries found in $pg_bin, but running as root without a 'postgres' user."
		pg_bin=
	fi
	if [[ -z $pg_bin ]]; then
		if [[ $CI == true ]]; then
			die "No DATABASE_URL and no PostgreSQL server binaries (initdb, pg_ctl); CI must test on PostgreSQL. Install them: apt-get install -y postgresql"
		fi
		note "NOTICE: no DATABASE_URL and no PostgreSQL server binaries: running on SQLite."
	fi
fi

# --- Static checks (fast, before any database starts) ----------------------------------------
note "ruff check"
"$VENV/bin/ruff" check .
note "ruff format --check"
"$VENV/bin/ruff" format --check .
note "lint-imports (the floors of pyproject.toml: each app imports only the floors below it)"
"$VENV/bin/lint-imports" --no-cache

# --- Throwaway PostgreSQL cluster ------------------------------------------------------------
pg_dir=
pg_started=
as_pg=()
pg_cmd() { (cd "$pg_dir" && ${as_pg[@]+"${as_pg[@]}"} "$@"); }
# shellcheck disable=SC2329 # invoked by the EXIT trap
cleanup() {
	if [[ -n $pg_started ]]; then
		pg_cmd "$pg_bin/pg_ctl" stop -D "$pg_dir/data" -m immediate -w >/dev/null 2>&1 || true
	fi
	if [[ -n $pg_dir ]]; then
		rm -rf "$pg_dir" || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [[ -n $pg_bin ]]; then
	pg_dir=$(mktemp -d /tmp/peerwork-pg.XXXXXX)
	if [[ $(id -u) == 0 ]]; then
		chown postgres: "$pg_dir"
		as_pg=(runuser -u postgres --)
	fi
	pg_port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	note "Starting a throwaway PostgreSQL ($pg_bin) on 127.0.0.1:$pg_port in $pg_dir"
	pg_cmd "$pg_bin/initdb" -D "$pg_dir/data" --auth=trust -U postgres -E UTF8 --no-instructions \
		>"$pg_dir/initdb.log" 2>&1 || {
		cat "$pg_dir/initdb.log" >&2
		die "initdb failed"
	}
	pg_started=1
	pg_cmd "$pg_bin/pg_ctl" start -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
		-o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		>/dev/null || {
		cat "$pg_dir/server.log" >&2
		die "PostgreSQL did not start"
	}
	createdb=$pg_bin/createdb
	[[ -x $createdb ]] || createdb=createdb
	pg_cmd "$createdb" -h 127.0.0.1 -p "$pg_port" -U postgres peerwork
	export DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/peerwork
fi

if [[ -n ${DATABASE_URL:-} ]]; then
	# Never print a password.
	note "Database: $(sed -E 's#(://[^/@:]*):[^/@]*@#\1:***@#' <<<"$DATABASE_URL")"
else
	note "Database: SQLite (settings default)"
fi

# --- Migrations and tests --------------------------------------------------------------------
note "makemigrations --check"
"$PY" manage.py makemigrations --check --dry-run

note "pytest"
rm -rf test-artifacts/screenshots  # only this run's pages, for a person to look at
set +e
"$PY" -m pytest --cov --cov-report=term "$@"
rc=$?
set -e
if [[ $rc == 5 ]]; then
	die "pytest collected no tests (exit code 5); that counts as a failure."
fi
exit "$rc"
