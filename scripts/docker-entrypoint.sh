#!/bin/sh
# Entry point of the production image (Dockerfile). With DJANGO_MIGRATE_ON_START=1 (set on the
# web service only, so migrations run once) the schema is brought up to date before the command
# starts; worker and beat wait for web to be healthy. `exec` hands PID and signals to the command.
set -eu

if [ "${DJANGO_MIGRATE_ON_START:-0}" = "1" ]; then
  python /app/manage.py migrate --noinput
fi

exec "$@"
