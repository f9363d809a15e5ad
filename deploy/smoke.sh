#!/usr/bin/env bash
# Deployment smoke test: docs/deployment.md on this machine, in a scratch directory.
#
# Copies the tracked files to a scratch "/opt/starrating", writes its .env from
# deploy/env.example, runs the docs' `smoke:` command blocks word for word (paths substituted),
# starts gunicorn, the Celery worker and beat with the ExecStart lines of the systemd units as the
# service user, puts nginx in front with deploy/nginx-starrating.conf and a self-signed
# certificate on 127.0.0.1, then drives it with curl over HTTPS: log in, import the organization
# tree (a worker job), create a token, open a round and save a sheet through the API, export the
# annual report and download it through nginx, and check /healthz. Cleans up on any exit.
#
# Needs: PostgreSQL on 127.0.0.1:5432 (user postgres, trust or password "postgres"), Redis on
# 127.0.0.1:6379, Debian's python3 (3.11+) with venv, root. Installs nginx and openssl when missing.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
HTTP_PORT=${SMOKE_HTTP_PORT:-18080}
HTTPS_PORT=${SMOKE_HTTPS_PORT:-18443}
APP_PORT=${SMOKE_APP_PORT:-18000}
REDIS_DB=${SMOKE_REDIS_DB:-14}
DB=smoke_$$
USER_NAME=starrating
BASE=https://127.0.0.1:$HTTPS_PORT
started=$(date +%s)
export PGPASSWORD=${PGPASSWORD:-postgres}  # ignored where local connections are trusted

step() { printf '\n=== [%3ss] %s\n' "$(($(date +%s) - started))" "$*"; }
fail() {
  echo "SMOKE FAILED: $*" >&2
  exit 1
}

if [ "$(id -u)" != 0 ]; then fail "run as root (it creates the service user and runs nginx)"; fi
missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v openssl >/dev/null || missing+=(openssl)
command -v pg_dump >/dev/null || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

TMP=$(mktemp -d /tmp/starrating-smoke.XXXXXX)
APP=$TMP/opt/starrating
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null || true
  for _ in $(seq 20); do  # a graceful stop, as systemd would wait for one
    alive=
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 1
  done
  for pid in "${pids[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ $rc -ne 0 ]; then
    for log in "$TMP"/log/*.log; do
      [ -f "$log" ] && { echo "--- $log (last 40 lines)"; tail -n 40 "$log"; }
    done
  fi
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -n "$REDIS_DB" flushdb >/dev/null 2>&1 || true
  rm -rf "$TMP"
  echo "smoke: cleaned up (exit $rc, $(($(date +%s) - started)) s)"
}
trap cleanup EXIT

# The docs' commands use sudo -u; this machine may have no sudo, and runuser does the same.
sudo() {
  if [ "${1:-}" = -u ]; then
    local user=$2
    shift 2
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

# Paths of docs/deployment.md and deploy/* → this scratch installation.
localise() {
  sed -e "s#/opt/starrating#$APP#g" -e "s#/var/backups/starrating#$TMP/backups#g" \
    -e "s#/etc/starrating/tls#$TMP/tls#g" -e "s#/var/log/nginx/#$TMP/log/nginx-#g"
}

# A ```bash block of docs/deployment.md preceded by <!-- smoke:NAME -->, run as written.
run_doc_block() {
  local name=$1 block
  block=$(awk -v tag="<!-- smoke:$name -->" '
    $0 == tag { armed = 1; next }
    armed && /^```bash$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }' "$REPO/docs/deployment.md")
  [ -n "$block" ] || fail "docs/deployment.md has no smoke:$name block"
  echo "$block" | localise | sed 's/^/  $ /'
  # A fresh server's PATH: the system python3, not a developer's pyenv or virtualenv.
  PATH=/usr/sbin:/usr/bin:/sbin:/bin bash -euo pipefail -c "$(declare -f sudo); $(echo "$block" | localise)"
}

# ExecStart= of a unit file, paths substituted.
exec_start() {
  local line
  line=$(grep -m1 '^ExecStart=' "$REPO/deploy/$1") || fail "deploy/$1 has no ExecStart"
  echo "${line#ExecStart=}" | localise
}

# A service as systemd would run it: its user, WorkingDirectory and EnvironmentFile.
start_service() {
  local unit=$1 log=$TMP/log/${1%.service}.log
  grep -qx "User=$USER_NAME" "$REPO/deploy/$unit" || fail "$unit does not run as $USER_NAME"
  grep -qx "EnvironmentFile=/opt/starrating/.env" "$REPO/deploy/$unit" || fail "$unit: EnvironmentFile"
  grep -qx "Restart=on-failure" "$REPO/deploy/$unit" || fail "$unit: Restart=on-failure"
  local cmd
  cmd=$(exec_start "$unit")
  echo "  $unit: $cmd"
  (
    set -a
    # shellcheck disable=SC1091
    . "$APP/.env"
    set +a
    cd "$APP"
    # shellcheck disable=SC2086
    exec runuser -u "$USER_NAME" -- $cmd
  ) >"$log" 2>&1 &
  pids+=($!)
}

wait_for() {  # URL, seconds, extra curl args...
  local url=$1 seconds=$2
  shift 2
  for _ in $(seq "$seconds"); do
    curl -fsk -o /dev/null "$@" "$url" && return 0
    sleep 1
  done
  fail "$url did not answer within $seconds s"
}

step "Scratch installation in $APP"
mkdir -p "$APP" "$TMP/log" "$TMP/tls" "$TMP/nginx"
chmod 755 "$TMP" "$TMP/opt"
git -C "$REPO" ls-files -z | (cd "$REPO" && tar --null -T - -cf -) | tar -xf - -C "$APP"
id "$USER_NAME" >/dev/null 2>&1 ||
  useradd --system --home-dir /opt/starrating --shell /usr/sbin/nologin "$USER_NAME"

step "docs/deployment.md §3: virtual environment and requirements"
run_doc_block app-install >"$TMP/log/app-install.log" 2>&1 || {
  cat "$TMP/log/app-install.log"
  fail "app-install"
}

step "Database $DB, Redis db $REDIS_DB, .env from deploy/env.example"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $DB" >/dev/null
redis-cli -h 127.0.0.1 -n "$REDIS_DB" flushdb >/dev/null
cp "$REPO/deploy/env.example" "$APP/.env"
set_env() {  # KEY VALUE: the key must already be in env.example (a renamed one fails here)
  grep -q "^$1=" "$APP/.env" || fail "deploy/env.example has no $1="
  sed -i "s#^$1=.*#$1=$2#" "$APP/.env"
}
HEALTHZ_TOKEN=smoke-$(openssl rand -hex 12)
set_env SECRET_KEY "$(openssl rand -hex 32)"
set_env ALLOWED_HOSTS 127.0.0.1
set_env CSRF_TRUSTED_ORIGINS "$BASE"
set_env DATABASE_URL "postgres://postgres:postgres@127.0.0.1:5432/$DB"
set_env CELERY_BROKER_URL "redis://127.0.0.1:6379/$REDIS_DB"
set_env MEDIA_ROOT "$APP/var/media"
set_env HEALTHZ_TOKEN "$HEALTHZ_TOKEN"
set_env HEALTHZ_MIN_FREE_MB 100
set_env GUNICORN_BIND "127.0.0.1:$APP_PORT"
set_env GUNICORN_WORKERS 2
chown root:"$USER_NAME" "$APP/.env"
chmod 640 "$APP/.env"

if command -v systemd-analyze >/dev/null; then
  step "systemd-analyze verify deploy/starrating-*.service"
  mkdir -p "$TMP/units"
  for unit in "$REPO"/deploy/starrating-*.service; do
    localise <"$unit" >"$TMP/units/$(basename "$unit")"
  done
  problems=$(systemd-analyze verify "$TMP"/units/*.service 2>&1 || true)
  [ -z "$problems" ] || fail "unit files: $problems"
fi

step "docs/deployment.md §5: migrate, collectstatic"
run_doc_block app-init >"$TMP/log/app-init.log" 2>&1 || { cat "$TMP/log/app-init.log"; fail "app-init"; }
tail -n 2 "$TMP/log/app-init.log"

step "docs/deployment.md §5: setup (twice: the second run changes nothing)"
run_doc_block setup >"$TMP/log/setup.log" 2>&1 || { cat "$TMP/log/setup.log"; fail "setup"; }
cat "$TMP/log/setup.log"
PASSWORD=$(sed -n 's/^初始密码：\([^ ]*\) .*/\1/p' "$TMP/log/setup.log")
[ -n "$PASSWORD" ] || fail "setup printed no initial password"
COUNTY_PASSWORD=$(sed -n 's/^账号 countyadmin 初始密码：\([^ ]*\) .*/\1/p' "$TMP/log/setup.log")
[ -n "$COUNTY_PASSWORD" ] || fail "setup printed no password for the county administrator"
grep -q "65 项指标，另有 13 项否决和减星事项" "$TMP/log/setup.log" || fail "catalogue summary"
run_doc_block setup >"$TMP/log/setup-again.log" 2>&1 || fail "setup, run again"
grep -q "本次未做修改" "$TMP/log/setup-again.log" || fail "setup is not idempotent"
[ ! -e "$APP/celerybeat-schedule" ] || fail "beat schedule in the code folder"

step "Services from deploy/starrating-*.service"
start_service starrating-web.service
start_service starrating-worker.service
start_service starrating-beat.service
wait_for "http://127.0.0.1:$APP_PORT/healthz" 60

step "nginx with deploy/nginx-starrating.conf and a self-signed certificate"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$TMP/tls/privkey.pem" -out "$TMP/tls/fullchain.pem" 2>/dev/null
localise <"$REPO/deploy/nginx-starrating.conf" |
  sed -e '/listen \[::\]/d' -e "s/listen 80;/listen 127.0.0.1:$HTTP_PORT;/" \
    -e "s/listen 443 ssl/listen 127.0.0.1:$HTTPS_PORT ssl/" \
    -e "s/server_name rating.example.gov.cn;/server_name 127.0.0.1;/" \
    -e "s#proxy_pass http://127.0.0.1:8000;#proxy_pass http://127.0.0.1:$APP_PORT;#" \
    >"$TMP/nginx/site.conf"
for expected in "listen 127.0.0.1:$HTTP_PORT;" "listen 127.0.0.1:$HTTPS_PORT ssl" \
  "proxy_pass http://127.0.0.1:$APP_PORT;" "alias $APP/var/staticfiles/;" \
  'proxy_set_header Host $http_host;' 'proxy_set_header X-Forwarded-Proto $scheme;'; do
  grep -qF "$expected" "$TMP/nginx/site.conf" || fail "nginx site: no '$expected' after substitution"
done
cat >"$TMP/nginx/nginx.conf" <<EOF
user www-data;
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/log/nginx-main-error.log;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  include $TMP/nginx/site.conf;
}
EOF
nginx -t -c "$TMP/nginx/nginx.conf" -q
nginx -c "$TMP/nginx/nginx.conf"
wait_for "$BASE/healthz" 20

CURL=(curl -sS -k --max-time 60 -b "$TMP/cookies" -c "$TMP/cookies" -H "Origin: $BASE")
csrf() { awk '$6 == "csrftoken" { print $7 }' "$TMP/cookies"; }

step "http redirects to https"
code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP_PORT/login/")
[[ $code == "301 https://"* ]] || fail "http → https redirect: $code"

step "Static files from nginx"
css=$("${CURL[@]}" "$BASE/login/" | grep -o '/static/css/app\.[0-9a-f]*\.css' | head -1)
[ -n "$css" ] || fail "login page links no hashed stylesheet (collectstatic manifest)"
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE$css")
[ "$code" = 200 ] || fail "$css: HTTP $code"

step "Log in over HTTPS as the administrator made by setup"
code=$("${CURL[@]}" -o "$TMP/home.html" -w '%{http_code} %{redirect_url}' -L \
  --data-urlencode "csrfmiddlewaretoken=$(csrf)" --data-urlencode "username=admin" \
  --data-urlencode "password=$PASSWORD" -H "Referer: $BASE/login/" "$BASE/login/")
[[ $code == 200* ]] || fail "login: $code"
grep -q "退出" "$TMP/home.html" || fail "login did not sign in (no 退出 on the page)"
grep -q "未分配角色" "$TMP/home.html" && fail "the administrator has no role"
grep -q "/admin/" "$TMP/home.html" || fail "no 后台管理 link for the administrator"
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/admin/")
[ "$code" = 200 ] || fail "/admin/: HTTP $code"

step "Log out; log in as the county administrator made by setup (三员: the rating year is theirs)"
"${CURL[@]}" -o /dev/null --data-urlencode "csrfmiddlewaretoken=$(csrf)" -H "Referer: $BASE/" \
  "$BASE/logout/"
"${CURL[@]}" -o /dev/null "$BASE/login/"  # a fresh CSRF cookie for the new session
code=$("${CURL[@]}" -o "$TMP/home.html" -w '%{http_code}' -L \
  --data-urlencode "csrfmiddlewaretoken=$(csrf)" --data-urlencode "username=countyadmin" \
  --data-urlencode "password=$COUNTY_PASSWORD" -H "Referer: $BASE/login/" "$BASE/login/")
[ "$code" = 200 ] || fail "county administrator login: $code"
grep -q "评定轮次" "$TMP/home.html" || fail "the county administrator sees no 评定轮次"

job_wait() {  # job page path → waits until finished; fails unless succeeded
  local path=$1 page
  for _ in $(seq 60); do
    page=$("${CURL[@]}" "$BASE$path")
    if grep -q "已完成" <<<"$page"; then return 0; fi
    if grep -q "<strong>失败</strong>" <<<"$page"; then
      echo "$page" | grep -A3 'job-error' >&2
      fail "job $path failed"
    fi
    sleep 1
  done
  fail "job $path did not finish in 60 s (is the worker running?)"
}

step "Import townships and villages (Excel, a worker job)"
"$APP/.venv/bin/python" - "$TMP/orgs.xlsx" <<'EOF'
import sys

from openpyxl import Workbook

wb = Workbook()
ws = wb.active
ws.append(["区划代码", "名称", "类型", "上级代码"])
ws.append(["220602100000", "红土崖镇", "乡/镇", "220602000000"])
ws.append(["220602100201", "七道江村", "村", "220602100000"])
ws.append(["220602100202", "三道江村", "村", "220602100000"])
wb.save(sys.argv[1])
EOF
job=$("${CURL[@]}" -o /dev/null -w '%{redirect_url}' -H "Referer: $BASE/jobs/organizations/" \
  -F "csrfmiddlewaretoken=$(csrf)" -F "file=@$TMP/orgs.xlsx" "$BASE/jobs/organizations/")
[[ $job == "$BASE/jobs/"* ]] || fail "organization import did not start a preview job: '$job'"
job_wait "${job#"$BASE"}"
# The preview lists what would change; confirming imports the same file (a second job).
preview_id=$(basename "$job")
job=$("${CURL[@]}" -o /dev/null -w '%{redirect_url}' -H "Referer: $BASE$job" \
  --data-urlencode "csrfmiddlewaretoken=$(csrf)" "$BASE/jobs/organizations/$preview_id/confirm/")
[[ $job == "$BASE/jobs/"* ]] || fail "confirming the organization import started no job: '$job'"
job_wait "${job#"$BASE"}"

step "A failed job is logged with its id and reason"
printf 'not a workbook' >"$TMP/bad.xlsx"
job=$("${CURL[@]}" -o /dev/null -w '%{redirect_url}' -H "Referer: $BASE/jobs/organizations/" \
  -F "csrfmiddlewaretoken=$(csrf)" -F "file=@$TMP/bad.xlsx" "$BASE/jobs/organizations/")
job_id=$(basename "$job")
for _ in $(seq 30); do
  grep -q "job $job_id (preview_organizations, user [0-9]*) failed: " "$TMP/log/starrating-worker.log" && break
  sleep 1
done
grep "job $job_id (preview_organizations" "$TMP/log/starrating-worker.log" ||
  fail "no log line for the failed job $job_id"

step "API token, a round, a saved sheet"
token=$("${CURL[@]}" -H "X-CSRFToken: $(csrf)" -H "Referer: $BASE/" -H 'Content-Type: application/json' \
  -d '{"name": "smoke"}' "$BASE/api/v1/tokens/" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
API=(curl -sS -k --max-time 60 -f -H "Authorization: Bearer $token" -H 'Content-Type: application/json')
catalogue=$("${API[@]}" "$BASE/api/v1/catalogues/" | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])')
round_id=$("${API[@]}" -d "{\"year\": 2024, \"catalogue\": $catalogue}" "$BASE/api/v1/rounds/" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
"${API[@]}" -X POST "$BASE/api/v1/rounds/$round_id/open/" >/dev/null
assessment=$("${API[@]}" "$BASE/api/v1/assessments/?round=$round_id" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["count"] == 2, d; print(d["results"][0]["id"])')
sheet_url=$BASE/api/v1/assessments/$assessment/sheets/self/
"${API[@]}" "$BASE/api/v1/catalogues/$catalogue/" >"$TMP/catalogue.json"
"${API[@]}" "$sheet_url" | python3 -c '
import json, sys
sheet = json.load(sys.stdin)
catalogue = json.load(open(sys.argv[1]))
scores = {i["code"]: i["max_points"] for c in catalogue["categories"] for i in c["items"] if i["kind"] == "scored"}
print(json.dumps({"version": sheet["version"], "scores": scores}))' "$TMP/catalogue.json" >"$TMP/sheet.json"
"${API[@]}" -X PUT --data @"$TMP/sheet.json" "$sheet_url" >"$TMP/saved.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["version"] > 0 and d["scores"], d' \
  "$TMP/saved.json" || fail "the sheet was not saved"

step "Annual report: a worker job, downloaded through nginx"
job=$("${CURL[@]}" -o /dev/null -w '%{redirect_url}' -H "Referer: $BASE/jobs/" \
  --data-urlencode "csrfmiddlewaretoken=$(csrf)" "$BASE/jobs/rounds/$round_id/report/")
[[ $job == "$BASE/jobs/"* ]] || fail "report export did not start a job: '$job'"
job_wait "${job#"$BASE"}"
"${CURL[@]}" -f -o "$TMP/report.xlsx" "${job%/}/download/"
[ "$(head -c 2 "$TMP/report.xlsx")" = PK ] || fail "the downloaded report is not an .xlsx"
echo "  report: $(stat -c %s "$TMP/report.xlsx") bytes"

step "/healthz: anonymous sees only the status; the token sees every check"
body=$(curl -sSk "$BASE/healthz")
[ "$body" = '{"status": "ok"}' ] || fail "anonymous /healthz: $body"
curl -sSk -H "Authorization: Bearer $HEALTHZ_TOKEN" "$BASE/healthz" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("  ", d)
assert d["status"] == "ok" and set(d["checks"]) == {"database", "broker", "worker", "disk"}, d
assert all(c["ok"] for c in d["checks"].values()), d' || fail "detailed /healthz"

step "Logs: offsets, an access log"
grep -qE '^[0-9-]{10}T[0-9:.]{12}\+08:00 INFO gunicorn.access .*"/healthz"' "$TMP/log/starrating-web.log" ||
  fail "no access log line with an offset in the web log"
grep -qE '^[0-9-]{10}T[0-9:.]{12}\+08:00 .*celery' "$TMP/log/starrating-worker.log" ||
  fail "no worker log line with an offset"
[ -s "$TMP/log/nginx-starrating.access.log" ] || fail "no nginx access log"

step "docs/deployment.md §10: backup"
run_doc_block backup >"$TMP/log/backup.log" 2>&1 || { cat "$TMP/log/backup.log"; fail "backup"; }
ls "$TMP"/backups/db-*.dump "$TMP"/backups/media-*.tar.gz >/dev/null || fail "backup files missing"

step "Upgrade order in docs/deployment.md: migrate, collectstatic, restart"
awk '/^## 11/,/^## 常见/' "$REPO/docs/deployment.md" |
  grep -oE 'manage.py migrate|manage.py collectstatic|systemctl restart' | paste -sd, |
  grep -qx 'manage.py migrate,manage.py collectstatic,systemctl restart' || fail "upgrade order"

step "SMOKE PASSED in $(($(date +%s) - started)) s"
