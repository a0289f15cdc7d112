"""VQE for the H2 molecule in a Session, with EstimatorV2 and scipy's COBYLA.

Runs unchanged against IBM Quantum (a saved account: QiskitRuntimeService()) and against
qsched's simulated queue:

    python -m sim cosim examples/vqe_session.py --scenario preset:vqe-vs-background
"""

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
from qiskit.quantum_info import SparsePauliOp
from qiskit.transpiler import generate_preset_pass_manager
from qiskit_ibm_runtime import EstimatorV2 as Estimator
from qiskit_ibm_runtime import QiskitRuntimeService, Session
from scipy.optimize import minimize

# The two-qubit H2 Hamiltonian at bond length 0.735 Å (parity mapping, in Hartree).
HAMILTONIAN = SparsePauliOp.from_list(
    [
        ("II", -1.052373245772859),
        ("IZ", 0.39793742484318045),
        ("ZI", -0.39793742484318045),
        ("ZZ", -0.01128010425623538),
        ("XX", 0.18093119978423156),
    ]
)
ITERATIONS = 10

theta = ParameterVector("θ", 2)
ansatz = QuantumCircuit(2)
ansatz.ry(theta[0], 0)
ansatz.ry(theta[1], 1)
ansatz.cx(0, 1)
ansatz.ry(theta[0], 1)

service = QiskitRuntimeService()
backend = service.least_busy(operational=True, simulator=False)
pm = generate_preset_pass_manager(backend=backend, optimization_level=1)
isa_ansatz = pm.run(ansatz)
isa_hamiltonian = HAMILTONIAN.apply_layout(isa_ansatz.layout)

energies = []


def energy(params, estimator):
    job = estimator.run([(isa_ansatz, isa_hamiltonian, params)])
    value = float(job.result()[0].data.evs)
    energies.append(value)
    print(f"iteration {len(energies):2d}: E = {value:+.6f} Ha  (job {job.job_id()})")
    return value


with Session(backend=backend) as session:
    estimator = Estimator(mode=session)
    estimator.options.default_shots = 2000
    result = minimize(
        energy,
        x0=np.array([0.4, -0.3]),
        args=(estimator,),
        method="COBYLA",
        options={"maxiter": ITERATIONS},
    )

print(f"lowest energy found: {min(energies):+.6f} Ha after {len(energies)} evaluations")
print(f"optimal parameters: {np.round(result.x, 4).tolist()}")
