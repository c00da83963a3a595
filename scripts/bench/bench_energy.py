#!/usr/bin/python3
"""Driver of scripts/bench-energy: times one energy+force evaluation of the bundled systems
(Reference platform) four ways, back to back in one run, and prints one JSON object per system.

  cpp_us        raw C++ loop over OpenMM (native/build/bench_energy_cpp) through ContextImpl, the
                cheapest way to get energies and forces from OpenMM: the physical limit
  cpp_public_api_us  the same loop through the public API (setPositions + getState)
  java_us       boltzmann4j's Java API, one thread: the batch call (all configurations in one call,
                the API's way to evaluate N configurations)
  java_single_call_us  the same with one configuration per call (the per-call overhead shows)
  java_pool_us  per configuration, a batch on the ContextPool (all cores)
  python_us     OpenMM Python's public API: setPositions + getState per configuration

The four are measured in interleaved rounds (cpp, java, python, ...) and the best round of each
is kept, so that a noisy machine slows all of them alike.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import openmm
from openmm import unit

root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
systems_dir = os.path.join(root, 'bg', 'src', 'main', 'resources', 'org', 'boltzmann4j', 'bg', 'systems')
reference = os.path.join(root, 'bg', 'src', 'test', 'resources', 'reference', 'energies')
java = sys.argv[1]
classpath = sys.argv[2]
rounds = int(os.environ.get('BENCH_ROUNDS', '5'))
repeats = int(os.environ.get('BENCH_REPEATS', '5'))
threads = int(os.environ.get('BENCH_THREADS', str(os.cpu_count())))


def python_us(system, positions):
    context = openmm.Context(system, openmm.VerletIntegrator(0.001), openmm.Platform.getPlatformByName('Reference'))
    best = float('inf')
    for _ in range(repeats):
        t0 = time.perf_counter()
        for x in positions:
            context.setPositions(x * unit.nanometer)
            state = context.getState(getEnergy=True, getForces=True)
            state.getPotentialEnergy()
            state.getForces(asNumpy=True)
        best = min(best, (time.perf_counter() - t0) * 1e6 / len(positions))
    return best


for name in ('aldp-vacuum', 'aldp-implicit'):
    xml_path = os.path.join(systems_dir, name + '.xml')
    with open(xml_path) as f:
        system = openmm.XmlSerializer.deserialize(f.read())
    base = np.load(os.path.join(reference, name + '-positions.npy'))
    # 2048 configurations: the 128 reference ones repeated, so each timing lasts long enough
    positions = np.ascontiguousarray(np.tile(base, (16, 1, 1)), dtype='<f8')
    n = len(positions)
    with tempfile.NamedTemporaryFile(suffix='.bin', delete=False) as tmp:
        tmp.write(positions.tobytes())
        bin_path = tmp.name
    try:
        best = {'cpp_us': float('inf'), 'cpp_public_api_us': float('inf'), 'java_us': float('inf'), 'java_single_call_us': float('inf'),
                'java_pool_us': float('inf'), 'python_us': float('inf')}
        for _ in range(rounds):
            out = subprocess.run([os.path.join(root, 'native', 'build', 'bench_energy_cpp'), xml_path, bin_path, str(n),
                                  str(repeats), 'Reference'], check=True, capture_output=True, text=True).stdout
            public_us, impl_us = (float(v) for v in out.split())
            best['cpp_us'] = min(best['cpp_us'], impl_us)
            best['cpp_public_api_us'] = min(best['cpp_public_api_us'], public_us)
            out = subprocess.run([java, '--enable-native-access=ALL-UNNAMED', '--sun-misc-unsafe-memory-access=allow',
                                  '-Dboltzmann4j.native=' + os.path.join(root, 'native', 'build', 'libboltzmann4j_openmm.so'),
                                  '-cp', classpath, os.path.join(root, 'scripts', 'bench', 'EnergyBench.java'),
                                  xml_path, bin_path, str(n), str(repeats), 'Reference', str(threads)],
                                 check=True, capture_output=True, text=True).stdout
            j = json.loads(out.strip().splitlines()[-1])
            best['java_us'] = min(best['java_us'], j['java_us'])
            best['java_single_call_us'] = min(best['java_single_call_us'], j['java_single_call_us'])
            best['java_pool_us'] = min(best['java_pool_us'], j['java_pool_us'])
            best['python_us'] = min(best['python_us'], python_us(system, positions[:512]))
    finally:
        os.unlink(bin_path)
    result = {'system': name, 'platform': 'Reference', 'atoms': system.getNumParticles(), 'configurations': n,
              'threads': threads, **{k: round(v, 3) for k, v in best.items()},
              'java_vs_cpp': round(best['cpp_us'] / best['java_us'], 4),
              'java_single_call_vs_cpp': round(best['cpp_us'] / best['java_single_call_us'], 4),
              'python_vs_cpp_bound': round(best['python_us'] / best['cpp_us'], 3),
              'java_vs_python': round(best['python_us'] / best['java_us'], 3),
              'pool_speedup': round(best['java_us'] / best['java_pool_us'], 3),
              'openmm': openmm.__version__}
    print(json.dumps(result), flush=True)
