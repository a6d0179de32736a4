#!/bin/sh
# docker-compose.yml's temporal-schema step (temporalio/admin-tools image): creates Temporal's
# persistence and visibility databases when missing and brings both schemas up to date, from the
# same environment the server reads (DB, POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, POSTGRES_PWD,
# DBNAME, VISIBILITY_DBNAME). Idempotent, like scripts/temporal-server.ts's native equivalent:
# update-schema applies only the versions not yet recorded.
set -eu

SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

migrate() {
  database="$1"
  schema="$2"
  tool() { temporal-sql-tool --plugin "$DB" --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" --db "$database" "$@"; }
  tool create 2>/dev/null || echo "database $database exists"
  # A database set up before has a schema_version table, and update-schema succeeds at once.
  if ! tool update-schema -d "$SCHEMA_DIR/$schema/versioned"; then
    tool setup-schema -v 0.0
    tool update-schema -d "$SCHEMA_DIR/$schema/versioned"
  fi
  echo "Temporal $schema schema up to date in database $database"
}

migrate "$DBNAME" temporal
migrate "$VISIBILITY_DBNAME" visibility
