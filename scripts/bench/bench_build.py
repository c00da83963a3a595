#!/usr/bin/python3
"""Python side of scripts/bench-build: the Java library builds and parameterises N zwitterionic
dipeptides (BuildBench.java), then OpenMM Python's ForceField('amber14-all.xml',
'implicit/obc1.xml') parameterises the same PDBs (PDBFile, createSystem, XmlSerializer.serialize),
back to back, one thread each; the best of BENCH_ROUNDS rounds per side. Prints one JSON object.

usage: bench_build.py JAVA CLASSPATH [--tiny]   (BENCH_TINY=1 is --tiny: 10 dipeptides, 1 round)
"""
import json
import os
import subprocess
import sys
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
java, classpath = sys.argv[1], sys.argv[2]
tiny = "--tiny" in sys.argv[3:] or os.environ.get("BENCH_TINY") == "1"
count = 10 if tiny else int(os.environ.get("BENCH_PEPTIDES", "400"))
rounds = 1 if tiny else int(os.environ.get("BENCH_ROUNDS", "3"))

import openmm
from openmm import XmlSerializer
from openmm.app import ForceField, NoCutoff, PDBFile

with tempfile.TemporaryDirectory() as work:
    java_ms = []
    for r in range(rounds):
        res = subprocess.run([java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                              "-cp", classpath, os.path.join(root, "scripts", "bench", "BuildBench.java"), work, str(count)],
                             capture_output=True, text=True, env=dict(os.environ, OMP_WAIT_POLICY="passive"))
        if res.returncode != 0:
            sys.exit("FAIL: BuildBench: " + res.stderr.strip()[-2000:])
        java_ms.append(json.loads(res.stdout.strip().splitlines()[-1])["ms_per_peptide"])
    files = sorted(f for f in os.listdir(work) if f.endswith(".pdb"))
    assert len(files) == count, (len(files), count)
    forcefield = ForceField("amber14-all.xml", "implicit/obc1.xml")
    for f in files[:10]:  # warm-up, as the Java side
        XmlSerializer.serialize(forcefield.createSystem(PDBFile(os.path.join(work, f)).topology, nonbondedMethod=NoCutoff,
                                                        removeCMMotion=False))
    python_ms = []
    for r in range(rounds):
        start = time.perf_counter()
        for f in files:
            pdb = PDBFile(os.path.join(work, f))
            system = forcefield.createSystem(pdb.topology, nonbondedMethod=NoCutoff, removeCMMotion=False)
            XmlSerializer.serialize(system)
        python_ms.append(1000 * (time.perf_counter() - start) / len(files))
    java_best, python_best = min(java_ms), min(python_ms)
    print(json.dumps({"bench": "build", "peptides": count, "tiny": tiny, "forcefield": "amber14-all + implicit/obc1",
                      "java_ms_per_peptide": round(java_best, 3), "python_ms_per_peptide": round(python_best, 3),
                      "build_vs_python": round(python_best / java_best, 3), "rounds": rounds,
                      "openmm": openmm.__version__}), flush=True)
