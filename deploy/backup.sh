#!/usr/bin/env bash
# Nightly backup: the database (pg_dump, custom format) and MEDIA_ROOT (uploads and generated
# files), kept for KEEP_DAYS days. Run as the service user from cron (docs/deployment.md):
#   30 2 * * * starrating /opt/starrating/deploy/backup.sh /var/backups/starrating
# Reads the same /opt/starrating/.env as the services.
set -euo pipefail
APP_DIR=${APP_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
DEST=${1:-/var/backups/starrating}
KEEP_DAYS=${KEEP_DAYS:-30}
set -a
# shellcheck disable=SC1091
. "$APP_DIR/.env"
set +a
stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$DEST"
pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" --file="$DEST/db-$stamp.dump"
media=${MEDIA_ROOT:-$APP_DIR/var/media}
tar -C "$(dirname "$media")" -czf "$DEST/media-$stamp.tar.gz" "$(basename "$media")"
find "$DEST" -maxdepth 1 -type f \( -name 'db-*.dump' -o -name 'media-*.tar.gz' \) \
  -mtime +"$KEEP_DAYS" -delete
echo "backup: $DEST/db-$stamp.dump $DEST/media-$stamp.tar.gz"
