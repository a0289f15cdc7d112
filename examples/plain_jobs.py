"""Two independent SamplerV2 jobs in job mode (no session, no batch): a Bell pair and a GHZ
state, each checked once its result is back.

Runs unchanged against IBM Quantum and under `python -m sim cosim`.
"""

from qiskit import QuantumCircuit
from qiskit.transpiler import generate_preset_pass_manager
from qiskit_ibm_runtime import QiskitRuntimeService
from qiskit_ibm_runtime import SamplerV2 as Sampler

bell = QuantumCircuit(2, name="bell")
bell.h(0)
bell.cx(0, 1)
bell.measure_all()

ghz = QuantumCircuit(3, name="ghz")
ghz.h(0)
ghz.cx(0, 1)
ghz.cx(1, 2)
ghz.measure_all()

service = QiskitRuntimeService()
backend = service.least_busy(operational=True, simulator=False)
pm = generate_preset_pass_manager(backend=backend, optimization_level=1)
sampler = Sampler(mode=backend)

for circuit in (bell, ghz):
    job = sampler.run([pm.run(circuit)], shots=2000)
    counts = job.result()[0].data.meas.get_counts()
    n = circuit.num_qubits
    agree = (counts.get("0" * n, 0) + counts.get("1" * n, 0)) / 2000
    print(f"{circuit.name}: all qubits agree in {agree:.1%} of shots  (job {job.job_id()})")
