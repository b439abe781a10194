# Shared by backup.sh and restore.sh (sourced, POSIX sh). Every value arrives in an environment
# variable and is only ever expanded inside double quotes: nothing here builds shell text.

# Names the scripts give backups (see new_backup_name) and accept for a restore.
BACKUP_NAME_ERE='^[0-9]{8}T[0-9]{6}Z-[a-z][a-z0-9.-]*$'
# Scheduled backups, the ones pruning counts (used by backup.sh).
# shellcheck disable=SC2034
SCHEDULED_NAME_ERE='^[0-9]{8}T[0-9]{6}Z-scheduled$'

log() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

die() {
  log "error: $*"
  exit 1
}

# check_name NAME: a backup name, safe as a path segment and an S3 key segment.
NL='
'
check_name() {
  case "$1" in *"$NL"*) die "not a backup name: it contains a line break" ;; esac
  printf '%s\n' "$1" | grep -Eq "$BACKUP_NAME_ERE" ||
    die "not a backup name: the scripts name backups like 20250301T030000Z-scheduled"
}

# check_version VAR VALUE: a version string such as 1.19.1 or v2.15.1.
check_version() {
  case "$2" in
    '' | *[!0-9A-Za-z.+-]*) die "$1 must be a version such as 1.19.1" ;;
  esac
}

# check_count VAR VALUE: a positive integer.
check_count() {
  case "$2" in
    '' | *[!0-9]* | 0*) die "$1 must be a positive integer" ;;
  esac
}

# version_cmp A B: prints -1, 0 or 1 comparing dotted numeric versions; a leading "v" and any
# "-suffix" or "+suffix" are ignored (v2.15.1 = 2.15.1).
version_cmp() {
  _va=${1#v}
  _va=${_va%%[-+]*}
  _vb=${2#v}
  _vb=${_vb%%[-+]*}
  while [ -n "$_va$_vb" ]; do
    _x=${_va%%.*}
    _y=${_vb%%.*}
    case "$_va" in *.*) _va=${_va#*.} ;; *) _va= ;; esac
    case "$_vb" in *.*) _vb=${_vb#*.} ;; *) _vb= ;; esac
    _x=${_x:-0}
    _y=${_y:-0}
    case "$_x$_y" in *[!0-9]*) die "cannot compare versions $1 and $2" ;; esac
    if [ "$_x" -gt "$_y" ]; then
      echo 1
      return 0
    fi
    if [ "$_x" -lt "$_y" ]; then
      echo -1
      return 0
    fi
  done
  echo 0
}

# manifest_get FILE KEY: a top-level scalar of a manifest written by backup.sh (one key a line).
manifest_get() {
  sed -n "s/^  \"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p" "$1"
}

# manifest_files FILE: "name size sha256" for every file the manifest lists.
manifest_files() {
  sed -n 's/^    {"name": "\([a-z.]*\)", "size": \([0-9]*\), "sha256": "\([0-9a-f]*\)"},\{0,1\}$/\1 \2 \3/p' "$1"
}

# file_size FILE / file_sha256 FILE
file_size() {
  wc -c <"$1" | tr -d ' '
}
file_sha256() {
  sha256sum "$1" | cut -d ' ' -f 1
}

# s3_base: s3://bucket/prefix, from BACKUP_S3_BUCKET and BACKUP_S3_PREFIX.
s3_base() {
  printf 's3://%s/%s' "$BACKUP_S3_BUCKET" "$BACKUP_S3_PREFIX"
}

# aws_s3 ARGS...: `aws s3 ARGS...`, against BACKUP_S3_ENDPOINT when set.
aws_s3() {
  if [ -n "${BACKUP_S3_ENDPOINT:-}" ]; then
    aws --endpoint-url "$BACKUP_S3_ENDPOINT" s3 "$@"
  else
    aws s3 "$@"
  fi
}

# psql_value SQL: one value from the database PG* point at.
psql_value() {
  psql -X -A -t -q -v ON_ERROR_STOP=1 -c "$1"
}

# database_schema_version: Harbor's migration version (schema_migrations), or "null" without one.
database_schema_version() {
  if [ "$(psql_value "SELECT to_regclass('public.schema_migrations') IS NOT NULL")" = t ]; then
    _v=$(psql_value "SELECT COALESCE(max(version)::text, 'null') FROM schema_migrations")
    case "$_v" in '' | *[!0-9]*) echo null ;; *) echo "$_v" ;; esac
  else
    echo null
  fi
}
