"""The jobs app's own jobs: refreshing snapshots, the sweep, sending what was not sent."""

from .queue import app, job


@job("snapshot.refresh")
def refresh_snapshot(kind: str, neighbourhood_id: int) -> str:
    from . import services

    # The task id is the lease owner: a redelivered job (its worker was killed) takes over
    # its own lease at once instead of waiting for it to expire.
    wait = services.wait_before_computing(kind, neighbourhood_id)
    if wait > 1.0 and not app.conf.task_always_eager:
        services.refresh_later(kind, neighbourhood_id, countdown=wait)
        return f"{kind} {neighbourhood_id}: again in {wait:.0f} s"
    owner = app.current_task.request.id or "direct"
    row = services.refresh(kind, neighbourhood_id, owner=owner)
    if row is None:
        return "busy elsewhere"
    return f"{kind} {neighbourhood_id}: version {row.done} in {row.seconds:.2f} s"


@job("snapshot.sweep")
def sweep() -> int:
    from . import services

    return services.sweep()


@job("snapshot.nightly")
def nightly(kind: str = "network") -> int:
    from . import services

    return services.bump_all(kind)


@job("jobs.resend")
def resend_unsent() -> int:
    from . import services

    return services.resend_unsent()


@job("jobs.prune")
def prune_runs() -> int:
    from . import services

    return services.prune_runs()


@job("jobs.analyze")
def analyze() -> str:
    """Refresh the database planner's statistics after a bulk import."""
    from buurtkracht.core.database import analyze as run_analyze

    run_analyze()
    return "analyzed"
