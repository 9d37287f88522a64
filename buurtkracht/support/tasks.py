from buurtkracht.jobs.queue import job


@job("support.safety_net")
def safety_net() -> int:
    from .services import safety_net_sweep

    return safety_net_sweep()
