"""What the benches do first: a fresh PostgreSQL database under the name DATABASE_URL gives."""

import os
import sys


def _server(url):
    """An autocommit connection to the server's maintenance database (to create or drop the bench's)."""
    import psycopg

    return psycopg.connect(
        host=url["HOST"] or "127.0.0.1", port=url["PORT"] or 5432, user=url["USER"], dbname="postgres",
        autocommit=True,
    )  # fmt: skip


def database_exists(url) -> bool:
    with _server(url) as server:
        found = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [url["NAME"]]).fetchone()
    return found is not None


def recreate_database(url=None, *, required=True) -> None:
    """Drop and create the database of ``url`` (default: DATABASE_URL). On another database: stop with a
    message when ``required``, else leave it as it is (a bench that can also run on SQLite)."""
    import environ

    url = url or environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if "postgresql" not in url["ENGINE"]:
        if required:
            sys.exit("This benchmark measures PostgreSQL: set DATABASE_URL=postgres://…")
        return
    with _server(url) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{url["NAME"]}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{url["NAME"]}"')


def open_bench_database(has_data) -> bool:
    """The bench's PostgreSQL database, set up and migrated: rebuilt with ``--rebuild`` or when it does not
    exist yet. Returns True when the data must be built (``has_data()`` is asked once Django is set up); a
    database holding something else is recreated and the script stops, to be run again."""
    import environ

    url = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if "postgresql" not in url["ENGINE"]:
        sys.exit("This bench runs on PostgreSQL: set DATABASE_URL=postgres://…")
    rebuild = "--rebuild" in sys.argv or not database_exists(url)
    if rebuild:
        recreate_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if rebuild:
        return True
    if not has_data():
        recreate_database(url)
        sys.exit("The database held other data; it was recreated: run the bench again.")
    return False
