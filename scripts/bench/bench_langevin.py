#!/usr/bin/python3
"""Driver of scripts/bench-langevin: LangevinMiddle stepping throughput (ns/day) on
aldp-vacuum and aldp-implicit, Reference platform, 300 K, 1/ps, 1 fs, of
  - OpenMM's own LangevinMiddleIntegrator from C++ (one step(N) call) and
    native/'s per-context stepper through the C API (native/build/bench_langevin_cpp);
  - OpenMM Python: integrator.step(chunk) in a loop;
  - Java: org.boltzmann4j.openmm.Context.step(chunk) in a loop (scripts/bench/LangevinBench.java).
No output files, no getState: the cost of stepping alone. Best of BENCH_ROUNDS rounds each.
Prints one JSON object per system; b4j_vs_openmm_cpp and java_vs_python are ours / OpenMM's.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import openmm
from openmm import app, unit

root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
systems_dir = os.path.join(root, 'bg', 'src', 'main', 'resources', 'org', 'boltzmann4j', 'bg', 'systems')
java, classpath = sys.argv[1], sys.argv[2]
rounds = int(os.environ.get('BENCH_ROUNDS', '3'))
steps = int(os.environ.get('BENCH_STEPS', '20000'))
chunk = int(os.environ.get('BENCH_CHUNK', '500'))
library = os.path.join(root, 'native', 'build', 'libboltzmann4j_openmm.so')


def python_ns_per_day(system, positions):
    integrator = openmm.LangevinMiddleIntegrator(300 * unit.kelvin, 1 / unit.picosecond, 0.001 * unit.picoseconds)
    integrator.setRandomNumberSeed(1)
    context = openmm.Context(system, integrator, openmm.Platform.getPlatformByName('Reference'))
    context.setPositions(positions)
    context.setVelocitiesToTemperature(300 * unit.kelvin, 1)
    integrator.step(steps // 10)
    best = float('inf')
    for _ in range(rounds):
        t0 = time.perf_counter()
        done = 0
        while done < steps:
            integrator.step(min(chunk, steps - done))
            done += chunk
        best = min(best, time.perf_counter() - t0)
    return steps * 0.001 / 1000 / (best / 86400)


for name in ('aldp-vacuum', 'aldp-implicit'):
    xml_path = os.path.join(systems_dir, name + '.xml')
    pdb = app.PDBFile(os.path.join(systems_dir, name + '.pdb'))
    with open(xml_path) as f:
        system = openmm.XmlSerializer.deserialize(f.read())
    with tempfile.TemporaryDirectory() as work:
        bin_path = os.path.join(work, 'positions.bin')
        import array
        values = array.array('d', [c for p in pdb.positions.value_in_unit(unit.nanometer) for c in p])
        with open(bin_path, 'wb') as f:
            values.tofile(f)
        cpp = json.loads(subprocess.run([os.path.join(root, 'native', 'build', 'bench_langevin_cpp'), xml_path, bin_path,
                                         str(steps), str(rounds)], check=True, capture_output=True, text=True).stdout)
        java_out = subprocess.run([java, '--enable-native-access=ALL-UNNAMED', '-Dboltzmann4j.native=' + library,
                                   '-cp', classpath, os.path.join(root, 'scripts', 'bench', 'LangevinBench.java'),
                                   xml_path, bin_path, str(steps), str(chunk), str(rounds)],
                                  check=True, capture_output=True, text=True).stdout
        java_ns = json.loads(java_out.strip().splitlines()[-1])['java_ns_per_day']
    python_ns = python_ns_per_day(system, pdb.positions)
    print(json.dumps({'system': name, 'platform': 'Reference', 'steps': steps, 'chunk': chunk, 'rounds': rounds,
                      'openmm_cpp_ns_per_day': cpp['openmm_cpp_ns_per_day'], 'b4j_cpp_ns_per_day': cpp['b4j_cpp_ns_per_day'],
                      'b4j_vs_openmm_cpp': cpp['b4j_vs_openmm_cpp'],
                      'python_ns_per_day': round(python_ns, 2), 'java_ns_per_day': java_ns,
                      'java_vs_python': round(java_ns / python_ns, 4), 'openmm': openmm.__version__}), flush=True)
