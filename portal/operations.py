"""Running the portal: readiness, one log line per request, and online backups. No Flask here but the logger."""

import logging
import sqlite3
import subprocess
from datetime import timedelta

from playhouse.db_url import parse
from playhouse.migrations import Runner

from . import config
from .clock import now
from .db import database, is_sqlite
from .models import Outbox

log = logging.getLogger("portal.requests")
STUCK = timedelta(minutes=30)


def readiness():
    """Each check's state ("ok" or what is wrong) and whether all are ok."""
    checks = {}
    try:
        database.execute_sql("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # the database is away: say so, do not fail the probe itself
        return {"database": "unreachable: %s" % error.__class__.__name__}, False
    pending = [m.name for m in Runner(database, str(config.ROOT / "migrations")).status() if not m.applied]
    checks["migrations"] = "ok" if not pending else "pending: %s" % ", ".join(pending)
    stuck = (
        Outbox.select()
        .where(
            Outbox.sent_at.is_null()
            & Outbox.failed_at.is_null()
            & (Outbox.attempts == 0)
            & (Outbox.send_after < now() - STUCK)
        )
        .exists()
    )
    checks["outbox"] = "ok" if not stuck else "e-mail waiting for over 30 minutes untried: is the worker running?"
    return checks, all(value == "ok" for value in checks.values())


def backup(target):
    """A consistent copy of the live database at `target`, taken while the portal keeps working."""
    url = config.current["DATABASE_URL"]
    if is_sqlite():
        source = sqlite3.connect(parse(url)["database"])
        copy = sqlite3.connect(str(target))
        with copy:
            source.backup(copy)
        copy.close()
        source.close()
    else:
        subprocess.run(["pg_dump", "--format=custom", "--file", str(target), url], check=True)


def restore(source):
    """Put a backup back in place of the current database (stop the portal first)."""
    url = config.current["DATABASE_URL"]
    database.close()
    if is_sqlite():
        # the backup API writes the pages into the database in one transaction, write-ahead log and all
        backup_file, live = sqlite3.connect(str(source)), sqlite3.connect(parse(url)["database"])
        with live:
            backup_file.backup(live)
        live.close()
        backup_file.close()
    else:
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname", url, str(source)], check=True)
