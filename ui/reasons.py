"""Why a job failed, in words, with the rule that says so (docs/model.md, "Jobs")."""

REASONS: dict[str, str] = {
    "reservation_ended": "R28: a session job still pending when the reservation ended",
    "session_max_time": "R16: queued (or submitted) when the session's max_time ran out",
    "session_closed": "R17/R22: queued at close() under on_close: fail, or sent after close",
    "session_cancelled": "R18: the session was cancelled",
    "first_job_cancelled": "R19: the session's first job was cancelled (ibm-2023)",
    "user_cancelled": (
        "a cancel_job action, or cancel on a job-mode workload (R37, ibm-2025: running jobs too)"
    ),
    "cost_limit": "R39: the Pay-As-You-Go instance reached its cost limit (ibm-2025)",
    "open_plan_no_sessions": "R21: Open-plan sessions are refused (ibm-current)",
    "max_execution_time": "R3/R38: the job hit its time limit (CANCELLED under ibm-2025)",
}


def explain(reason: str) -> str:
    return REASONS.get(reason, reason)
