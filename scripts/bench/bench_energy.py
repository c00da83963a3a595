#!/usr/bin/python3
"""OpenMM Python side of scripts/bench-energy (run by scripts/bench/EnergyBench.java, one round per
call): microseconds per energy+force evaluation through OpenMM Python's public API, best of the
repeats, in several ways of calling it. Prints one JSON object.

  quantity     the usual way: context.setPositions(x * unit.nanometer), getState(getEnergy=True,
               getForces=True), getPotentialEnergy() and getForces(asNumpy=True) as Quantities
  numpy        positions as a plain numpy array in nm (setPositions strips no unit), results read
               through ._value (no unit arithmetic per call)
  vec3_list    positions as a list of openmm.Vec3 made beforehand (what the SWIG layer converts
               to), results through ._value
  nested_list  positions as a nested Python list of floats (x.tolist() beforehand), results
               through ._value

usage: bench_energy.py system.xml positions.bin n_configs repeats platform
positions.bin: n_configs * particles * 3 little-endian doubles (nm).
"""
import json
import sys
import time

import numpy as np
import openmm
from openmm import unit

xml_path, bin_path, n, repeats, platform = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
with open(xml_path) as f:
    system = openmm.XmlSerializer.deserialize(f.read())
positions = np.fromfile(bin_path, dtype='<f8').reshape(n, system.getNumParticles(), 3)
context = openmm.Context(system, openmm.VerletIntegrator(0.001), openmm.Platform.getPlatformByName(platform))


def quantity(x):
    context.setPositions(x * unit.nanometer)
    state = context.getState(getEnergy=True, getForces=True)
    return state.getPotentialEnergy(), state.getForces(asNumpy=True)


def plain(x):
    context.setPositions(x)
    state = context.getState(getEnergy=True, getForces=True)
    return state.getPotentialEnergy()._value, state.getForces(asNumpy=True)._value


inputs = {'quantity': (quantity, list(positions)), 'numpy': (plain, list(positions)),
          'vec3_list': (plain, [[openmm.Vec3(*atom) for atom in x] for x in positions.tolist()]),
          'nested_list': (plain, positions.tolist())}
# every variant must give the same energy (the conversion must not change what is computed)
first = {name: float(getattr(call(xs[0])[0], '_value', call(xs[0])[0])) for name, (call, xs) in inputs.items()}
if max(first.values()) - min(first.values()) > 1e-9 * max(1.0, abs(first['quantity'])):
    raise SystemExit(f'bench_energy.py: the variants disagree on the first energy: {first}')
best = {name: float('inf') for name in inputs}
for _ in range(repeats):
    for name, (call, xs) in inputs.items():  # interleaved, so that a noisy moment slows all alike
        t0 = time.perf_counter()
        for x in xs:
            call(x)
        best[name] = min(best[name], (time.perf_counter() - t0) * 1e6 / len(xs))
fastest = min(best, key=best.get)
print(json.dumps({'python_us': best['quantity'], 'python_fast_us': best[fastest], 'python_fast_variant': fastest,
                  'python_variants_us': {k: round(v, 3) for k, v in best.items()}, 'openmm': openmm.__version__}))
