"""A parameter scan in a Batch: one SamplerV2 job per angle, all submitted together, then
the results collected in order. The two qubits end up both 1 with probability sin²(φ/2).

Runs unchanged against IBM Quantum and under `python -m sim cosim`.
"""

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter
from qiskit.transpiler import generate_preset_pass_manager
from qiskit_ibm_runtime import Batch, QiskitRuntimeService
from qiskit_ibm_runtime import SamplerV2 as Sampler

angle = Parameter("φ")
circuit = QuantumCircuit(2)
circuit.ry(angle, 0)
circuit.cx(0, 1)
circuit.measure_all()

service = QiskitRuntimeService()
backend = service.least_busy(operational=True, simulator=False)
isa = generate_preset_pass_manager(backend=backend, optimization_level=1).run(circuit)
angles = np.linspace(0, np.pi, 6)

with Batch(backend=backend) as batch:
    sampler = Sampler(mode=batch)
    jobs = [sampler.run([(isa, [a])], shots=1000) for a in angles]
    for a, job in zip(angles, jobs, strict=True):
        counts = job.result()[0].data.meas.get_counts()
        p11 = counts.get("11", 0) / 1000
        ideal = np.sin(a / 2) ** 2
        print(f"φ = {a:.3f}: P(11) = {p11:.3f}, ideal {ideal:.3f}  (job {job.job_id()})")
