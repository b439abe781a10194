#!/bin/sh
# Harbor backup (docs/backups.md). POSIX sh; runs with busybox (postgres:*-alpine) or GNU tools.
#
#   backup.sh create   dump the database, archive the registry files, write manifest.json into
#                      BACKUP_DIR/<name>/; on a claim (BACKUP_TARGET=pvc) prune to BACKUP_KEEP
#   backup.sh upload   copy the backup `create` made to s3://BACKUP_S3_BUCKET/BACKUP_S3_PREFIX/<name>/
#                      (manifest.json last), then prune the bucket to BACKUP_KEEP
#
# Environment (every value; nothing is spliced into this text):
#   BACKUP_DIR            directory that receives backups (the claim, or a staging emptyDir)
#   BACKUP_TARGET         pvc | s3
#   BACKUP_KIND           scheduled | pre-upgrade
#   BACKUP_KEEP           scheduled backups to keep
#   HARBOR_VERSION        Harbor version whose data is backed up (v2.15.1)
#   CHART_VERSION         its chart version (1.19.1); for pre-upgrade: the version upgraded from,
#                         empty on a first installation (then there is nothing to back up)
#   UPGRADE_TO            pre-upgrade only: the chart version about to be deployed
#   DEPLOYED_CHART_VERSION, DEPLOYED_HARBOR_VERSION
#                         pre-upgrade only: what the last successful release deployed (the
#                         <release>-deployed-version ConfigMap); when set they replace
#                         CHART_VERSION and HARBOR_VERSION, which then only serve stacks whose
#                         cluster has no such ConfigMap yet
#   BACKUP_DATABASE       true: pg_dump the database PGHOST/PGPORT/PGUSER/PGDATABASE/PGPASSWORD name
#   BACKUP_REGISTRY_ROOT  the registry's storage root (/storage); empty: no registry archive
#   BACKUP_S3_BUCKET, BACKUP_S3_PREFIX, BACKUP_S3_ENDPOINT (optional), AWS_* for `upload`
set -eu
set -f
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

usage() {
  die "usage: backup.sh create | upload"
}

# prune_local: keep the newest BACKUP_KEEP complete scheduled backups in BACKUP_DIR; drop
# unfinished ones a failed run left behind more than a day ago.
prune_local() {
  # Only names matching the pattern pass, so the word splitting below is safe.
  # shellcheck disable=SC2010
  _names=$(ls -1 "$BACKUP_DIR" | grep -E "$SCHEDULED_NAME_ERE" | sort || true)
  _complete=""
  _count=0
  for _n in $_names; do
    if [ -f "$BACKUP_DIR/$_n/manifest.json" ]; then
      _complete="$_complete $_n"
      _count=$((_count + 1))
    fi
  done
  _excess=$((_count - BACKUP_KEEP))
  for _n in $_complete; do
    [ "$_excess" -gt 0 ] || break
    rm -rf "${BACKUP_DIR:?}/$_n"
    log "pruned $_n (keeping $BACKUP_KEEP scheduled backups)"
    _excess=$((_excess - 1))
  done
  find "$BACKUP_DIR" -maxdepth 1 -type d -name '.partial-*' -mmin +1440 -exec rm -rf {} \;
}

# prune_s3: the same for the bucket; a backup counts once its manifest.json is there.
prune_s3() {
  _listing=$(aws_s3 ls "$(s3_base)/") || die "cannot list $(s3_base)/"
  _names=$(printf '%s\n' "$_listing" | sed -n 's|^ *PRE \(.*\)/$|\1|p' |
    grep -E "$SCHEDULED_NAME_ERE" | sort || true)
  _complete=""
  _count=0
  for _n in $_names; do
    if aws_s3 ls "$(s3_base)/$_n/manifest.json" >/dev/null 2>&1; then
      _complete="$_complete $_n"
      _count=$((_count + 1))
    fi
  done
  _excess=$((_count - BACKUP_KEEP))
  for _n in $_complete; do
    [ "$_excess" -gt 0 ] || break
    aws_s3 rm --recursive --only-show-errors "$(s3_base)/$_n/"
    log "pruned $(s3_base)/$_n/ (keeping $BACKUP_KEEP scheduled backups)"
    _excess=$((_excess - 1))
  done
}

# write_manifest FILE: manifest.json of the backup in $work (one key a line, see common.sh).
write_manifest() {
  {
    printf '{\n'
    printf '  "format": 1,\n'
    printf '  "name": "%s",\n' "$name"
    printf '  "kind": "%s",\n' "$BACKUP_KIND"
    printf '  "createdAt": "%s",\n' "$now"
    printf '  "harborVersion": "%s",\n' "$HARBOR_VERSION"
    printf '  "chartVersion": "%s",\n' "$CHART_VERSION"
    printf '  "upgradeTo": "%s",\n' "$upgrade_to"
    printf '  "database": "%s",\n' "$database_state"
    printf '  "databaseSchemaVersion": %s,\n' "$schema_version"
    printf '  "registry": "%s",\n' "$registry_state"
    printf '  "files": ['
    _sep=""
    for _f in database.dump registry.tar; do
      [ -f "$work/$_f" ] || continue
      printf '%s\n    {"name": "%s", "size": %s, "sha256": "%s"}' "$_sep" "$_f" \
        "$(file_size "$work/$_f")" "$(file_sha256 "$work/$_f")"
      _sep=","
    done
    printf '\n  ]\n}\n'
  } >"$1"
}

create() {
  : "${BACKUP_DIR:?BACKUP_DIR is not set}" "${BACKUP_TARGET:?BACKUP_TARGET is not set}"
  : "${BACKUP_KIND:?BACKUP_KIND is not set}"
  case "$BACKUP_TARGET" in pvc | s3) ;; *) die "BACKUP_TARGET must be pvc or s3" ;; esac
  check_count BACKUP_KEEP "${BACKUP_KEEP:-}"
  suffix=$BACKUP_KIND
  upgrade_to=""
  case "$BACKUP_KIND" in
    scheduled) check_version CHART_VERSION "${CHART_VERSION:-}" ;;
    pre-upgrade)
      check_version UPGRADE_TO "${UPGRADE_TO:-}"
      if [ -n "${DEPLOYED_CHART_VERSION:-}" ]; then
        CHART_VERSION=$DEPLOYED_CHART_VERSION
        HARBOR_VERSION=${DEPLOYED_HARBOR_VERSION:-}
      fi
      if [ -z "${CHART_VERSION:-}" ]; then
        log "first installation of chart $UPGRADE_TO: no Harbor data to back up yet"
        return 0
      fi
      check_version CHART_VERSION "$CHART_VERSION"
      if [ "$CHART_VERSION" = "$UPGRADE_TO" ]; then
        log "chart $UPGRADE_TO is already deployed: no upgrade, nothing to back up"
        return 0
      fi
      if [ "$(version_cmp "$UPGRADE_TO" "$CHART_VERSION")" = -1 ]; then
        die "harbor:chart.version $UPGRADE_TO is lower than the deployed chart $CHART_VERSION: Harbor migrates its database forward only; the release is not changed"
      fi
      suffix="pre-upgrade-$UPGRADE_TO"
      upgrade_to=$UPGRADE_TO
      ;;
    *) die "BACKUP_KIND must be scheduled or pre-upgrade" ;;
  esac
  check_version HARBOR_VERSION "${HARBOR_VERSION:-}"

  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  name="$(printf '%s' "$now" | tr -d ':-')-$suffix"
  check_name "$name"
  work="$BACKUP_DIR/.partial-$name"
  final="$BACKUP_DIR/$name"
  [ ! -e "$final" ] || die "backup $name already exists"
  mkdir -p "$BACKUP_DIR"
  rm -rf "$work"
  mkdir "$work"
  log "backup $name: Harbor $HARBOR_VERSION (chart $CHART_VERSION)"

  # The database first: every blob it references is already in the registry's storage, so the
  # archive taken next holds all of them.
  database_state=excluded
  schema_version=null
  if [ "${BACKUP_DATABASE:-false}" = true ]; then
    : "${PGHOST:?PGHOST is not set}" "${PGDATABASE:?PGDATABASE is not set}"
    schema_version=$(database_schema_version)
    pg_dump --format=custom --no-password --file="$work/database.dump"
    database_state=dumped
    log "database $PGDATABASE dumped (schema version $schema_version): $(file_size "$work/database.dump") bytes"
  fi

  registry_state=excluded
  if [ -n "${BACKUP_REGISTRY_ROOT:-}" ]; then
    case "$BACKUP_REGISTRY_ROOT" in /?*) ;; *) die "BACKUP_REGISTRY_ROOT must be an absolute path" ;; esac
    list="$work/.registry-files"
    if [ -d "$BACKUP_REGISTRY_ROOT/docker/registry" ]; then
      # Uploads in progress (_uploads) are not part of any image and vanish while being read.
      (cd "$BACKUP_REGISTRY_ROOT" &&
        find docker/registry -path '*/_uploads' -prune -o -type f -print) >"$list"
    else
      : >"$list"
    fi
    if [ -s "$list" ]; then
      tar -c -f "$work/registry.tar" -C "$BACKUP_REGISTRY_ROOT" -T "$list"
      registry_state=archived
      log "registry files archived: $(wc -l <"$list" | tr -d ' ') files, $(file_size "$work/registry.tar") bytes"
    else
      registry_state=empty
      log "registry storage holds no images yet"
    fi
    rm -f "$list"
  fi

  write_manifest "$work/manifest.json.partial"
  mv "$work/manifest.json.partial" "$work/manifest.json"
  mv "$work" "$final"
  log "backup $name complete"

  if [ "$BACKUP_TARGET" = pvc ]; then
    prune_local
  else
    printf '%s\n' "$name" >"$BACKUP_DIR/.created"
  fi
}

upload() {
  : "${BACKUP_DIR:?BACKUP_DIR is not set}" "${BACKUP_S3_BUCKET:?BACKUP_S3_BUCKET is not set}"
  : "${BACKUP_S3_PREFIX:?BACKUP_S3_PREFIX is not set}"
  check_count BACKUP_KEEP "${BACKUP_KEEP:-}"
  if [ ! -f "$BACKUP_DIR/.created" ]; then
    log "no backup was made: nothing to upload"
    return 0
  fi
  name=$(cat "$BACKUP_DIR/.created")
  check_name "$name"
  dir="$BACKUP_DIR/$name"
  [ -f "$dir/manifest.json" ] || die "backup $name is incomplete"
  for f in database.dump registry.tar manifest.json; do
    [ -f "$dir/$f" ] || continue
    aws_s3 cp --only-show-errors "$dir/$f" "$(s3_base)/$name/$f"
  done
  log "backup $name uploaded to $(s3_base)/$name/"
  prune_s3
}

case "${1:-}" in
  create) create ;;
  upload) upload ;;
  *) usage ;;
esac
