from buurtkracht.jobs.queue import job


class LedgerMismatch(Exception):
    """A ledger does not verify: an entry was altered or removed. Not tried again (it is
    not a passing fault); the administrator sees the failed job with what is wrong."""


@job("timebank.ledger_verify", autoretry_for=(OSError,), dont_autoretry_for=(LedgerMismatch,))
def ledger_verify() -> str:
    from buurtkracht.neighbourhoods.models import Neighbourhood

    from .ledger import verify
    from .models import Rules

    checked, problems = 0, []
    hoods = Neighbourhood.objects.filter(pk__in=Rules.objects.values("neighbourhood_id"))
    for hood in hoods.order_by("slug"):
        report = verify(hood)
        checked += 1
        if not report.ok:
            problems += [f"{hood.slug}: {problem}" for problem in report.problems]
    if problems:
        raise LedgerMismatch("\n".join(problems))
    return f"{checked} ledger(s) verified"


@job("timebank.accounts_open")
def accounts_open(neighbourhood_id: int) -> str:
    """Open the accounts of every member of a neighbourhood whose time bank was just
    switched on (a large one: `services.OPEN_AT_ONCE`). Safe to run twice."""
    from buurtkracht.neighbourhoods.models import Neighbourhood

    from . import services

    hood = Neighbourhood.objects.filter(pk=neighbourhood_id).first()
    if hood is None:
        return "neighbourhood gone"
    return f"{services.accounts_open(neighbourhood=hood)} account(s) opened"


@job("timebank.accounts_sweep")
def accounts_sweep() -> str:
    """Each night: open any account still missing where the time bank is on (a job that
    failed for good, members from before accounts opened on joining)."""
    from buurtkracht.neighbourhoods.models import Neighbourhood

    from . import services
    from .models import Rules

    opened = 0
    hoods = Neighbourhood.objects.filter(pk__in=Rules.objects.values("neighbourhood_id"))
    for hood in hoods.order_by("slug"):
        opened += services.accounts_open(neighbourhood=hood)
    return f"{opened} account(s) opened"
