#!/usr/bin/python3
"""Makes the bundled alanine dipeptide MD samples that `bg demo` scores before anything else.

    /usr/bin/python3 scripts/make-samples.py

Langevin dynamics (LangevinMiddleIntegrator, 300 K, friction 1/ps, 1 fs, seed 2024) of the bundled
aldp-implicit system with OpenMM Python on the Reference platform: 20 ps of equilibration from
the bundled PDB, then 200 frames saved every 1 ps, written as a DCD (OpenMM's DCDFile, the layout
of DCDReporter) to bg/src/main/resources/org/boltzmann4j/bg/systems/aldp-implicit-md.dcd, and
their potential energies (kJ/mol) to bg/src/test/resources/reference/samples/aldp-implicit-md-energies.npy
so that a test can check `bg demo` against OpenMM Python. Needs Debian's python3-simtk.
"""
import os
import time

import numpy as np
import openmm
from openmm import app, unit

root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
systems = os.path.join(root, 'bg', 'src', 'main', 'resources', 'org', 'boltzmann4j', 'bg', 'systems')
ref_dir = os.path.join(root, 'bg', 'src', 'test', 'resources', 'reference', 'samples')
os.makedirs(ref_dir, exist_ok=True)

with open(os.path.join(systems, 'aldp-implicit.xml')) as f:
    system = openmm.XmlSerializer.deserialize(f.read())
pdb = app.PDBFile(os.path.join(systems, 'aldp-implicit.pdb'))
integrator = openmm.LangevinMiddleIntegrator(300 * unit.kelvin, 1 / unit.picosecond, 0.001 * unit.picoseconds)
integrator.setRandomNumberSeed(2024)
context = openmm.Context(system, integrator, openmm.Platform.getPlatformByName('Reference'))
context.setPositions(pdb.positions)
context.setVelocitiesToTemperature(300 * unit.kelvin, 2024)
integrator.step(20000)

# DCDFile puts the local time into its title: pin it so that the file is reproducible.
os.environ['TZ'] = 'UTC'
time.tzset()
real_time = time.time
time.time = lambda: 0.0
out = os.path.join(systems, 'aldp-implicit-md.dcd')
energies = []
with open(out + '.tmp', 'wb') as f:
    dcd = app.DCDFile(f, pdb.topology, 0.001, firstStep=20000, interval=1000)
    for _ in range(200):
        integrator.step(1000)
        state = context.getState(getPositions=True, getEnergy=True)
        dcd.writeModel(state.getPositions())
        energies.append(state.getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole))
time.time = real_time
os.replace(out + '.tmp', out)
np.save(os.path.join(ref_dir, 'aldp-implicit-md-energies.npy'), np.array(energies, dtype='<f8'))
print('wrote', out, 'mean energy %.2f kJ/mol' % np.mean(energies))
