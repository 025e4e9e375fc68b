"""Throttles that slow guessing without shutting out offices or people. No Flask here.

Each try is counted under keys (a limit and a value: an account's email, a network address, a known browser),
stored as hashes in one table that every worker shares. Past a limit's free tries, the next try must wait: the
limit's first wait, doubled for each further try, up to its longest. A key is forgotten a day after its last try.

- An account: 5 free failures, then 1, 2, 4 ... minutes, at most 15, counted only for browsers the person has not
  signed in on before, so a stranger's guesses slow the stranger and never block the person's own browser.
- A known browser (its signed cookie names the people who signed in on it): its own count per account.
- A network address: 50 free failures, far above an office's typos (one address may be a whole council), but
  stopping a password spray across many accounts; a success from it clears it.
- A password reset: one link per address every few minutes (an earlier link keeps working meanwhile), 20
  requests from one network address.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from .clock import now
from .db import database
from .models import SignInThrottle

FORGET_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class Limit:
    name: str
    free: int
    first_wait: timedelta
    longest: timedelta

    def wait(self, tries):
        """How long after `tries` counted tries the next one must wait (None: not at all)."""
        if tries < self.free:
            return None
        return min(self.first_wait * 2 ** (tries - self.free), self.longest)


ACCOUNT = Limit("account", 5, timedelta(minutes=1), timedelta(minutes=15))
KNOWN_DEVICE = Limit("device", 5, timedelta(minutes=1), timedelta(minutes=15))
ADDRESS = Limit("address", 50, timedelta(minutes=1), timedelta(hours=1))
RESET_EMAIL = Limit("reset", 1, timedelta(minutes=5), timedelta(hours=1))
RESET_ADDRESS = Limit("reset-address", 20, timedelta(minutes=1), timedelta(hours=1))


class Throttled(Exception):
    """Too many tries under `limit`: the next may come at `until`."""

    def __init__(self, limit, until):
        super().__init__(limit.name, until)
        self.limit = limit
        self.until = until


def _hashed(keys):
    # the throttle needs to recognise an address or an email, not to keep it
    return {hashlib.sha256(("%s:%s" % (limit.name, value)).encode()).hexdigest(): limit for limit, value in keys}


def check(keys):
    """Raise Throttled for the key that must wait longest, if any; `keys` is pairs of (Limit, value)."""
    hashed = _hashed(keys)
    moment = now()
    waiting = (
        SignInThrottle.select(SignInThrottle.key, SignInThrottle.blocked_until)
        .where(SignInThrottle.key.in_(list(hashed)) & (SignInThrottle.blocked_until > moment))
        .order_by(SignInThrottle.blocked_until.desc())
        .first()
    )
    if waiting:
        raise Throttled(hashed[waiting.key], waiting.blocked_until)


def count(keys):
    """Count one more try under each key."""
    moment = now()
    with database.atomic():
        for key, limit in _hashed(keys).items():
            row = SignInThrottle.get_or_none(SignInThrottle.key == key)
            tries = 1 if row is None or row.last_failure < moment - FORGET_AFTER else row.failures + 1
            wait = limit.wait(tries)
            values = {"failures": tries, "last_failure": moment, "blocked_until": moment + wait if wait else None}
            SignInThrottle.insert(key=key, **values).on_conflict(
                conflict_target=[SignInThrottle.key],
                update={getattr(SignInThrottle, name): value for name, value in values.items()},
            ).execute()


def clear(keys):
    SignInThrottle.delete().where(SignInThrottle.key.in_(list(_hashed(keys)))).execute()
