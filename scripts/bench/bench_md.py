#!/usr/bin/python3
"""Driver of scripts/bench-md: MD throughput (ns/day) of boltzmann4j's MD (the library behind
`bg md` at its defaults: DCD, energies and log at every saved frame, checkpoints by wall time) against OpenMM
Python's own loop (integrator.step(save_every), then getState(positions, energy) and a DCDFile
frame, as DCDReporter + StateDataReporter do), on aldp-vacuum and aldp-implicit, Reference
platform, 1 fs, 300 K. Both sides are timed from the first saved frame to the last (steady
state: System, Context and file creation excluded on both). Rounds alternate Java and Python
and the best of each is kept.
Prints one JSON object per system with md_vs_python = ours / Python's throughput (wall time), and
md_vs_python_cpu_time, the same from the CPU time of the MD thread and of the Python process,
which a machine busy with other jobs disturbs less; the load average is printed beside them.
BENCH_TINY=1: one round of 2000 steps (a smoke test, not a measurement); without OpenMM Python
the Python side and the ratio are null.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import openmm
    from openmm import app, unit
except ImportError:
    openmm = None

root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
systems_dir = os.path.join(root, 'bg', 'src', 'main', 'resources', 'org', 'boltzmann4j', 'bg', 'systems')
java, classpath = sys.argv[1], sys.argv[2]
tiny = os.environ.get('BENCH_TINY', '0') == '1'
rounds = 1 if tiny else int(os.environ.get('BENCH_ROUNDS', '3'))
steps = 2000 if tiny else int(os.environ.get('BENCH_STEPS', '50000'))
save_every = int(os.environ.get('BENCH_SAVE_EVERY', '500'))


def python_ns_per_day(system, pdb, out_dir):
    integrator = openmm.LangevinMiddleIntegrator(300 * unit.kelvin, 1 / unit.picosecond, 0.001 * unit.picoseconds)
    integrator.setRandomNumberSeed(1)
    context = openmm.Context(system, integrator, openmm.Platform.getPlatformByName('Reference'))
    context.setPositions(pdb.positions)
    context.setVelocitiesToTemperature(300 * unit.kelvin, 1)
    with open(os.path.join(out_dir, 'python.dcd'), 'wb') as f:
        dcd = app.DCDFile(f, pdb.topology, 0.001, firstStep=save_every, interval=save_every)
        for frame in range(steps // save_every):
            integrator.step(save_every)
            state = context.getState(getPositions=True, getEnergy=True)
            dcd.writeModel(state.getPositions())
            state.getPotentialEnergy(), state.getKineticEnergy()
            if frame == 0:
                t0 = time.perf_counter()  # from the first saved frame to the last, as on the Java side
                c0 = time.process_time()
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    ns = (steps - save_every) * 0.001 / 1000
    return ns / (seconds / 86400), ns / (cpu / 86400)


for name in ('aldp-vacuum', 'aldp-implicit'):
    xml_path = os.path.join(systems_dir, name + '.xml')
    pdb_path = os.path.join(systems_dir, name + '.pdb')
    if openmm is not None:
        with open(xml_path) as f:
            system = openmm.XmlSerializer.deserialize(f.read())
        pdb = app.PDBFile(pdb_path)
    best_java = best_python = best_java_cpu = best_python_cpu = 0.0
    work = tempfile.mkdtemp()
    try:
        for r in range(rounds):
            out = os.path.join(work, 'java-%d' % r)
            res = subprocess.run([java, '--enable-native-access=ALL-UNNAMED', '--sun-misc-unsafe-memory-access=allow',
                                  '-Dboltzmann4j.native=' + os.path.join(root, 'native', 'build', 'libboltzmann4j_openmm.so'),
                                  '-cp', classpath, os.path.join(root, 'scripts', 'bench', 'MdBench.java'),
                                  xml_path, pdb_path, str(steps), str(save_every), out],
                                 check=True, capture_output=True, text=True).stdout
            java_run = json.loads(res.strip().splitlines()[-1])
            best_java = max(best_java, java_run['ns_per_day'])
            best_java_cpu = max(best_java_cpu, java_run['ns_per_cpu_day'])
            if openmm is not None:
                wall, cpu = python_ns_per_day(system, pdb, work)
                best_python = max(best_python, wall)
                best_python_cpu = max(best_python_cpu, cpu)
    finally:
        shutil.rmtree(work)
    python = round(best_python, 2) if openmm is not None else None
    print(json.dumps({'system': name, 'platform': 'Reference', 'steps': steps, 'save_every': save_every, 'tiny': tiny,
                      'java_ns_per_day': round(best_java, 2), 'python_ns_per_day': python,
                      'md_vs_python': round(best_java / best_python, 4) if python else None,
                      'md_vs_python_cpu_time': round(best_java_cpu / best_python_cpu, 4) if python else None,
                      'openmm': openmm.__version__ if openmm is not None else None,
                      'load_average_1min': round(os.getloadavg()[0], 2)}), flush=True)
