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
