#!/usr/bin/env bash
# Sets up NmtPractice's two database roles on the postgres image (docker-entrypoint-initdb.d: runs once, when the
# container initialises an empty volume, as the image's superuser POSTGRES_USER):
#   nmt_owner  owns the database nmt and everything in it; runs the migrations (ConnectionStrings__NmtOwner)
#   nmt_app    what the silos and the gateway connect as (ConnectionStrings__Nmt); the migrations grant it row access
#              only: no DDL, audit_log append-only (docs/security.md)
# Neither is a superuser or may create roles or databases. Passwords come from the environment
# (NMT_DB_OWNER_PASSWORD, NMT_DB_APP_PASSWORD), never from a command line: psql reads them with \getenv.
# Idempotent: it can be run again by hand on a volume created before these roles existed (docs/security.md), and then
# also gives nmt_owner the tables and functions the superuser created.
set -euo pipefail
: "${NMT_DB_OWNER_PASSWORD:?NMT_DB_OWNER_PASSWORD is not set}"
: "${NMT_DB_APP_PASSWORD:?NMT_DB_APP_PASSWORD is not set}"
superuser="${POSTGRES_USER:-postgres}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$superuser" --dbname postgres <<'SQL'
\getenv owner_password NMT_DB_OWNER_PASSWORD
\getenv app_password NMT_DB_APP_PASSWORD
SELECT 'CREATE ROLE nmt_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nmt_owner')
\gexec
SELECT 'CREATE ROLE nmt_app' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nmt_app')
\gexec
SELECT format('ALTER ROLE nmt_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', :'owner_password')
\gexec
SELECT format('ALTER ROLE nmt_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', :'app_password')
\gexec
SELECT 'CREATE DATABASE nmt OWNER nmt_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'nmt')
\gexec
ALTER DATABASE nmt OWNER TO nmt_owner;
SQL

# A database created before the roles existed: hand the superuser's tables, sequences and functions to nmt_owner
# (extension members stay; sequences of a column move with their table). The migrate job then grants nmt_app.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$superuser" --dbname nmt <<'SQL'
DO $adopt$
DECLARE
    owner_oid oid := (SELECT oid FROM pg_roles WHERE rolname = 'nmt_owner');
    r record;
BEGIN
    FOR r IN
        SELECT c.oid::regclass AS rel, CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END AS kind
          FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'S') AND c.relowner <> owner_oid
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                             AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i') AND d.refclassid = 'pg_class'::regclass)))
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO nmt_owner', r.kind, r.rel);
    END LOOP;
    FOR r IN
        SELECT p.oid::regprocedure AS fn FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> owner_oid
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO nmt_owner', r.fn);
    END LOOP;
END
$adopt$;
SQL
echo "nmt_owner and nmt_app are ready on database nmt"
