"""Reference M/M/1 queues in plain SimPy, to measure the engine against in the same process.

``idiomatic`` is how the SimPy documentation writes a queue: a Process per job and a
``simpy.Resource``. ``lean`` is the fastest SimPy style we know: no Process per job, the
arrivals and services are bare events with callbacks and the queue is a deque. Both run
``n`` jobs at load ``rho`` and return the mean wait, so the work is checked, not only timed.
"""

from __future__ import annotations

import random
from collections import deque

import simpy


def idiomatic(n: int, rho: float = 0.8, seed: int = 1) -> float:
    rng = random.Random(seed)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    waits: list[float] = []

    def job(service: float):
        arrived = env.now
        with server.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(service)

    def source():
        for _ in range(n):
            yield env.timeout(rng.expovariate(rho))
            env.process(job(rng.expovariate(1.0)))

    env.process(source())
    env.run()
    return sum(waits) / len(waits)


def lean(n: int, rho: float = 0.8, seed: int = 1) -> float:
    rng = random.Random(seed)
    env = simpy.Environment()
    queue: deque[tuple[float, float]] = deque()
    busy = False
    waits: list[float] = []
    left = [n]

    def start(arrived: float, service: float) -> None:
        nonlocal busy
        busy = True
        waits.append(env.now - arrived)
        env.timeout(service).callbacks.append(finish)

    def finish(_event) -> None:
        nonlocal busy
        busy = False
        if queue:
            start(*queue.popleft())

    def arrive(_event) -> None:
        service = rng.expovariate(1.0)
        if busy:
            queue.append((env.now, service))
        else:
            start(env.now, service)
        left[0] -= 1
        if left[0]:
            env.timeout(rng.expovariate(rho)).callbacks.append(arrive)

    env.timeout(rng.expovariate(rho)).callbacks.append(arrive)
    env.run()
    return sum(waits) / len(waits)
