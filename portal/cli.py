"""Command-line tasks: migrate, create-steward, seed-demo."""

import logging
import signal

import click
from flask import current_app
from flask.cli import AppGroup
from playhouse.migrations import Runner

from . import accounts, demo, inbound, operations, outbox, retention
from .config import ROOT
from .db import database, use_wal
from .models import Organisation, User
from .text import slugify

MIGRATIONS = ROOT / "migrations"


def migrate():
    """Apply every pending migration; returns the names applied."""
    use_wal()
    return Runner(database, str(MIGRATIONS)).up()


def register(app):
    mail_group = AppGroup("outbox", help="Send the e-mails waiting in the outbox.")

    @mail_group.command("run")
    @click.option("--once", is_flag=True, help="Send what is due now, then stop.")
    @click.option("--interval", default=5.0, show_default=True, help="Seconds between looks at the outbox.")
    def outbox_run_command(once, interval):
        """Send due e-mails and digests, retrying failures with growing delays, until stopped."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        outbox.run(interval=interval, once=once)

    app.cli.add_command(mail_group)

    retention_group = AppGroup("retention", help="Remove what the retention policy says is no longer kept.")

    @retention_group.command("apply")
    @click.option("--confirm", is_flag=True, help="Really remove; without it, only list what would go.")
    def retention_apply_command(confirm):
        """List (or, with --confirm, remove) the threads and e-mails past the retention policy."""
        threads = list(retention.due())
        for thread in threads:
            click.echo(
                "%s #%d %s: %s" % ("removing" if confirm else "would remove", thread.id, thread.kind, thread.title)
            )
            if confirm:
                retention.remove(thread)
        old_mail, spent_link_mail = retention.old_mail(), retention.spent_link_mail()
        mail = sorted(set(old_mail) | set(spent_link_mail))
        if mail:
            click.echo(
                "%s %d e-mail%s: %d sent more than %d days ago, %d holding a set-password link that no longer works"
                % (
                    "removing" if confirm else "would remove",
                    len(mail),
                    "" if len(mail) == 1 else "s",
                    len(old_mail),
                    current_app.config["RETENTION_SENT_MAIL_DAYS"],
                    len(spent_link_mail),
                )
            )
        if confirm:
            retention.forget_mail(mail)
            retention.forget_inbound()
        if not threads and not mail:
            click.echo("Nothing is past the retention policy.")
        elif not confirm:
            click.echo(
                "Dry run: nothing was removed. Add --confirm to remove these %d threads and %d e-mails."
                % (len(threads), len(mail))
            )

    app.cli.add_command(retention_group)

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False))
    def backup_command(path):
        """Write a consistent copy of the live database to PATH (SQLite's backup API, or pg_dump)."""
        operations.backup(path)
        click.echo("Backed up to %s." % path)

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--yes", is_flag=True, help="Do not ask: replace the database.")
    def restore_command(path, yes):
        """Replace the database with the backup at PATH. Stop the portal and its workers first."""
        if not yes:
            click.confirm("This replaces everything in the database with the backup. Go on?", abort=True)
        operations.restore(path)
        click.echo("Restored from %s." % path)

    @app.cli.command("mail-in")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=2525, show_default=True)
    def mail_in_command(host, port):
        """Accept replies to notification e-mails and post them (an SMTP server; Ctrl-C stops it)."""
        server = inbound.controller(host, port)
        server.start()
        click.echo("Taking replies by e-mail on %s:%d. Press Ctrl-C to stop." % (host, port))
        try:
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
        finally:
            server.stop()

    @app.cli.command("migrate")
    def migrate_command():
        """Apply pending database migrations."""
        applied = migrate()
        click.echo("Applied: %s" % ", ".join(applied) if applied else "The database is up to date.")

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing, quietly, when the database has data.")
    def seed_demo_command(if_empty):
        """Fill an empty database with the demo region."""
        if Organisation.select().exists():
            if if_empty:
                return
            raise click.ClickException("The database already has data; the demo only goes into an empty one.")
        demo.seed()
        click.echo("Demo data added. Sign in as %s with the password %s" % (demo.STEWARD_EMAIL, demo.PASSWORD))

    @app.cli.command("create-steward")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.option(
        "--organisation",
        default="Combined Authority",
        show_default=True,
        help="The commissioner organisation the steward works for; made if missing.",
    )
    @click.password_option(help="At least 12 characters.")
    def create_steward_command(email, name, organisation, password):
        """Create the first steward on an empty database."""
        if User.select().where(User.role == "steward").exists():
            raise click.ClickException("A steward exists already: add more people from the People page.")
        if len(password) < 12:
            raise click.ClickException("Use a password of at least 12 characters.")
        email = email.strip().lower()
        if User.select().where(User.email == email).exists():
            raise click.ClickException("Someone already uses %s." % email)
        with database.atomic():
            org = Organisation.get_or_none(Organisation.name == organisation) or Organisation.create(
                name=organisation, slug=slugify(organisation), kind="commissioner"
            )
            User.create(
                email=email,
                name=name.strip(),
                organisation=org,
                role="steward",
                password_hash=accounts.hash_password(password),
            )
        click.echo("Steward %s created. Sign in at /login." % email)
