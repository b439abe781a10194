#!/bin/sh
# Harbor restore (docs/backups.md). POSIX sh; runs with busybox (postgres:*-alpine) or GNU tools.
#
#   restore.sh fetch-manifest  S3: download the backup's manifest.json into BACKUP_DIR/<name>/ and
#                              check that every file it lists is in the bucket with its size
#   restore.sh fetch           S3: download the whole backup into BACKUP_DIR/<name>/
#   restore.sh verify          refuse a backup this Harbor cannot take (newer Harbor, newer
#                              database schema, parts this installation cannot restore) and, unless
#                              RESTORE_VERIFY_FILES=false, check every file's size and sha256
#   restore.sh run             verify, wait until no other session uses the database, replace the
#                              database with the dump in one transaction, replace the registry
#                              files with the archive
#
# Environment (every value; nothing is spliced into this text):
#   RESTORE_FROM          name of the backup (20250301T030000Z-scheduled)
#   BACKUP_DIR            directory holding <name>/ (the claim, or where `fetch` downloads to)
#   HARBOR_VERSION        Harbor version deployed now (v2.15.1)
#   RESTORE_DATABASE      true: restore into the database PGHOST/PGPORT/PGUSER/PGDATABASE name
#   REGISTRY_ROOT         the registry's storage root (/storage); empty: registry files untouched
#   RESTORE_WAIT_SECONDS  how long `run` waits for Harbor's other sessions to end (default 300)
#   BACKUP_S3_BUCKET, BACKUP_S3_PREFIX, BACKUP_S3_ENDPOINT (optional), AWS_* for the fetch steps
set -eu
set -f
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

usage() {
  die "usage: restore.sh fetch-manifest | fetch | verify | run"
}

setup() {
  : "${RESTORE_FROM:?RESTORE_FROM is not set}" "${BACKUP_DIR:?BACKUP_DIR is not set}"
  check_name "$RESTORE_FROM"
  dir="$BACKUP_DIR/$RESTORE_FROM"
  manifest="$dir/manifest.json"
  files_list="${TMPDIR:-/tmp}/harbor-restore-files.$$"
}

# fetch_manifest: manifest.json from the bucket; every listed object present with its size.
fetch_manifest() {
  : "${BACKUP_S3_BUCKET:?BACKUP_S3_BUCKET is not set}" "${BACKUP_S3_PREFIX:?BACKUP_S3_PREFIX is not set}"
  mkdir -p "$dir"
  aws_s3 cp --only-show-errors "$(s3_base)/$RESTORE_FROM/manifest.json" "$manifest" ||
    die "backup $RESTORE_FROM not found: $(s3_base)/$RESTORE_FROM/manifest.json cannot be read (a backup is complete once its manifest.json is uploaded)"
  listing=$(aws_s3 ls "$(s3_base)/$RESTORE_FROM/") || die "cannot list $(s3_base)/$RESTORE_FROM/"
  manifest_files "$manifest" >"$files_list"
  while read -r f size _sum; do
    found=$(printf '%s\n' "$listing" |
      sed -n "s/^[0-9-]* [0-9:]* *\([0-9][0-9]*\) $f\$/\1/p")
    [ "$found" = "$size" ] ||
      die "$(s3_base)/$RESTORE_FROM/$f should be $size bytes, the bucket has ${found:-no such object}"
  done <"$files_list"
  rm -f "$files_list"
}

fetch() {
  fetch_manifest
  manifest_files "$manifest" >"$files_list"
  while read -r f _size _sum; do
    aws_s3 cp --only-show-errors "$(s3_base)/$RESTORE_FROM/$f" "$dir/$f"
    log "downloaded $f"
  done <"$files_list"
  rm -f "$files_list"
}

verify() {
  [ -f "$manifest" ] ||
    die "backup $RESTORE_FROM not found or incomplete: $manifest is missing (backups are listed in docs/backups.md)"
  [ "$(manifest_get "$manifest" format)" = 1 ] || die "$manifest is not a backup manifest this script reads"
  : "${HARBOR_VERSION:?HARBOR_VERSION is not set}"
  check_version HARBOR_VERSION "$HARBOR_VERSION"
  taken_by=$(manifest_get "$manifest" harborVersion)
  check_version "the backup's harborVersion" "$taken_by"
  if [ "$(version_cmp "$taken_by" "$HARBOR_VERSION")" = 1 ]; then
    die "backup $RESTORE_FROM was taken by Harbor $taken_by, newer than the deployed Harbor $HARBOR_VERSION: Harbor cannot run on a newer database schema. Deploy Harbor $taken_by or later (harbor:chart.version) and restore again."
  fi
  database_state=$(manifest_get "$manifest" database)
  registry_state=$(manifest_get "$manifest" registry)
  if [ "$database_state" = dumped ] && [ "${RESTORE_DATABASE:-false}" != true ]; then
    die "backup $RESTORE_FROM holds a dump of Harbor's internal database, but this Harbor's database is not internal: restore database.dump into it with pg_restore yourself (docs/backups.md)"
  fi
  if [ "$registry_state" != excluded ] && [ -z "${REGISTRY_ROOT:-}" ]; then
    log "warning: backup $RESTORE_FROM holds registry files, but registry files are not restored here (harbor:backup.registry is false): the registry storage is left as it is"
  fi
  if [ "$database_state" = dumped ] && [ -n "${PGHOST:-}" ]; then
    backup_schema=$(manifest_get "$manifest" databaseSchemaVersion)
    live_schema=$(database_schema_version)
    case "$backup_schema" in null | [0-9]*) ;; *) die "$manifest has a malformed databaseSchemaVersion" ;; esac
    case "$backup_schema$live_schema" in
      *null*) ;;
      *[!0-9]*) die "$manifest has a malformed databaseSchemaVersion" ;;
      *)
        if [ "$backup_schema" -gt "$live_schema" ]; then
          die "backup $RESTORE_FROM has database schema version $backup_schema, newer than this Harbor's $live_schema: it was taken by a newer Harbor. Deploy that version (harbor:chart.version) and restore again."
        fi
        ;;
    esac
  fi
  if [ "${RESTORE_VERIFY_FILES:-true}" != false ]; then
    manifest_files "$manifest" >"$files_list"
    while read -r f size sum; do
      [ -f "$dir/$f" ] || die "$dir/$f is missing"
      [ "$(file_size "$dir/$f")" = "$size" ] || die "$dir/$f is not $size bytes: the backup is damaged"
      [ "$(file_sha256 "$dir/$f")" = "$sum" ] || die "$dir/$f does not match its sha256: the backup is damaged"
    done <"$files_list"
    rm -f "$files_list"
    log "backup $RESTORE_FROM verified: taken by Harbor $taken_by, files intact"
  else
    log "backup $RESTORE_FROM can be restored into Harbor $HARBOR_VERSION (taken by $taken_by)"
  fi
}

# wait_for_writers: Harbor's core, jobservice and exporter hold sessions; the restore starts only
# once they have stopped.
wait_for_writers() {
  wait_until=$(($(date +%s) + ${RESTORE_WAIT_SECONDS:-300}))
  others_sql="FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
  while [ "$(psql_value "SELECT count(*) $others_sql")" != 0 ]; do
    if [ "$(date +%s)" -ge "$wait_until" ]; then
      die "other sessions still use database $PGDATABASE ($(psql_value "SELECT string_agg(DISTINCT COALESCE(NULLIF(application_name, ''), 'unnamed') || '@' || COALESCE(host(client_addr), 'local'), ', ') $others_sql")): stop Harbor's core, jobservice and exporter first"
    fi
    log "waiting for Harbor's sessions on $PGDATABASE to end"
    sleep 2
  done
}

restore_database() {
  wait_for_writers
  sql_dir=$(mktemp -d "${TMPDIR:-/tmp}/harbor-restore.XXXXXX")
  # The dump replaces the whole public schema, so objects a later Harbor added cannot survive;
  # one transaction: on any error the database is left exactly as it was.
  printf '%s\n' 'SET client_min_messages = warning;' 'DROP SCHEMA IF EXISTS public CASCADE;' \
    'CREATE SCHEMA public;' 'GRANT USAGE ON SCHEMA public TO PUBLIC;' >"$sql_dir/clear.sql"
  pg_restore --clean --if-exists --file="$sql_dir/restore.sql" "$dir/database.dump"
  psql -X -q -v ON_ERROR_STOP=1 --single-transaction \
    --file="$sql_dir/clear.sql" --file="$sql_dir/restore.sql" >/dev/null
  rm -rf "$sql_dir"
  log "database $PGDATABASE restored (schema version $(database_schema_version))"
}

restore_registry() {
  case "$REGISTRY_ROOT" in /*[!/]*) ;; *) die "REGISTRY_ROOT must be an absolute path below /" ;; esac
  target="$REGISTRY_ROOT/docker/registry"
  rm -rf "$target"
  if [ "$registry_state" = archived ]; then
    mkdir -p "$REGISTRY_ROOT/docker"
    tar -x -o -f "$dir/registry.tar" -C "$REGISTRY_ROOT"
    log "registry files restored: $(find "$target" -type f | wc -l | tr -d ' ') files"
  else
    log "registry storage emptied: the backup was taken before the first image was pushed"
  fi
}

run() {
  verify
  if [ "$database_state" = dumped ]; then
    : "${PGHOST:?PGHOST is not set}" "${PGDATABASE:?PGDATABASE is not set}"
    restore_database
  else
    log "backup $RESTORE_FROM holds no database dump: the database is left as it is"
  fi
  if [ "$registry_state" != excluded ] && [ -n "${REGISTRY_ROOT:-}" ]; then
    restore_registry
  fi
  log "restore of $RESTORE_FROM complete"
}

case "${1:-}" in
  fetch-manifest)
    setup
    fetch_manifest
    ;;
  fetch)
    setup
    fetch
    ;;
  verify)
    setup
    verify
    ;;
  run)
    setup
    run
    ;;
  *) usage ;;
esac
