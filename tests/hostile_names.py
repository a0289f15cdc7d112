"""A scenario whose every name is Markdown, HTML, a Plotly template field, LaTeX or a Streamlit
directive (issue 16 point 7): shown anywhere, each must read exactly as written."""

from __future__ import annotations

from typing import Any

from tests.test_bad_input import base, edit

LINK = "[x](http://evil)"
IMAGE = "![i](http://127.0.0.1:1/img.png)"
SCENARIO = f"{LINK} {IMAGE} <b>bold</b> **strong** $x$ :red[x] :material/home:"
BACKEND = "<b>qpu</b>%{x}"
BACKEND2 = '<a href="http://evil">q2</a>'
INSTANCE_A = "<i>A<i>&lt;"
INSTANCE_B = "[B]:red[b]"
USER_A = "<b>a</b>&amp;"
USER_B = "**b** $y$ :red[b]"
WORKLOAD = '<a href="http://evil">vqe</a>'
WORKLOAD2 = f"{IMAGE}%{{y}}"
DESCRIPTION = f"{LINK}\n# heading\n<img src=x onerror=alert(1)> :material/home: `code`"
NAMES = (SCENARIO, BACKEND, BACKEND2, INSTANCE_A, INSTANCE_B, USER_A, USER_B, WORKLOAD, WORKLOAD2)


def hostile() -> dict[str, Any]:
    """tests.test_bad_input.base() with every name replaced (same runs, same structure)."""
    data = edit(
        base(),
        {
            "name": SCENARIO,
            "description": DESCRIPTION,
            "backends.0.name": BACKEND,
            "backends.1.name": BACKEND2,
            "instances.0.name": INSTANCE_A,
            "instances.1.name": INSTANCE_B,
            "users.0.name": USER_A,
            "users.0.instance": INSTANCE_A,
            "users.1.name": USER_B,
            "users.1.instance": INSTANCE_B,
            "workloads.0.name": WORKLOAD,
            "workloads.0.user": USER_A,
            "workloads.0.backend": BACKEND,
            "workloads.1.name": WORKLOAD2,
            "workloads.1.user": USER_B,
            "workloads.1.backend": BACKEND,
            "reservations.0.backend": BACKEND,
            "reservations.0.instance": INSTANCE_A,
            "actions.0.workload": WORKLOAD,
        },
    )
    return data
