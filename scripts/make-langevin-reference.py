#!/usr/bin/python3
"""Reference trajectories of OpenMM's own LangevinMiddleIntegrator (Reference platform) with
friction 0, where the noise term is multiplied by exactly 0: native/'s LangevinMiddle stepper,
which performs the same operations with its own generator, must reproduce them bit for bit.

    /usr/bin/python3 scripts/make-langevin-reference.py

Writes bindings/src/test/resources/org/boltzmann4j/openmm/langevin-friction0-<system>.txt for
the toy systems triatomic, constrained and virtual-site (made by make-toy-systems.py): the
start positions and velocities, then positions and velocities after 300 steps of 0.5 fs at
300 K, one float.hex value a line (exact). Needs Debian's python3-simtk.
"""
import os

import openmm
from openmm import unit

here = os.path.join(os.path.dirname(__file__), '..', 'bindings', 'src', 'test', 'resources', 'org', 'boltzmann4j', 'openmm')
start = [(0.10, 0.02, -0.01), (0.0, 0.0, 0.0), (-0.04, 0.11, 0.01)]
velocity = [(0.3, -0.2, 0.1), (-1.5, 0.7, 2.0), (0.2, 0.4, -0.6)]
for name in ('triatomic', 'constrained', 'virtual-site'):
    with open(os.path.join(here, name + '.xml')) as f:
        system = openmm.XmlSerializer.deserialize(f.read())
    n = system.getNumParticles()
    x = [openmm.Vec3(*p) for p in start] + [openmm.Vec3(0, 0, 0)] * (n - 3)
    v = [openmm.Vec3(*p) for p in velocity] + [openmm.Vec3(0, 0, 0)] * (n - 3)
    integrator = openmm.LangevinMiddleIntegrator(300 * unit.kelvin, 0 / unit.picosecond, 0.0005 * unit.picoseconds)
    integrator.setRandomNumberSeed(1)
    context = openmm.Context(system, integrator, openmm.Platform.getPlatformByName('Reference'))
    context.setPositions(x)
    context.setVelocities(v)
    values = [c for p in x for c in p] + [c for p in v for c in p]
    integrator.step(300)
    state = context.getState(getPositions=True, getVelocities=True)
    values += [c for p in state.getPositions(asNumpy=False).value_in_unit(unit.nanometer) for c in p]
    values += [c for p in state.getVelocities(asNumpy=False).value_in_unit(unit.nanometer / unit.picosecond) for c in p]
    path = os.path.join(here, 'langevin-friction0-%s.txt' % name)
    with open(path, 'w') as f:
        f.write(''.join(float(c).hex() + '\n' for c in values))
    print('wrote', os.path.abspath(path))
