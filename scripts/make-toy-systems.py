#!/usr/bin/python3
"""Makes the small OpenMM XML files the bindings' tests use (no molecule needed).

    /usr/bin/python3 scripts/make-toy-systems.py

Writes into bindings/src/test/resources/org/boltzmann4j/openmm/:
  triatomic.xml   3 particles (masses 12, 1, 16 amu): harmonic bonds 0-1 (r0 0.1 nm,
                  k 3e5 kJ/mol/nm^2) and 1-2 (r0 0.12 nm, k 2e5), a harmonic angle 0-1-2
                  (theta0 1.9 rad, k 400 kJ/mol/rad^2) and a CustomExternalForce
                  0.5*kw*(x^2+y^2+z^2) with kw = 10 on every particle: energy known in
                  closed form, so tests check values without Python.
  verlet-integrator.xml  a serialized VerletIntegrator (an XML whose root is not a System).
and into bg/src/test/resources/toy/:
  double-well-particle.xml  one particle (12 amu) in U = A((x/s)^2 - 1)^2 + K/2 (y^2 + z^2),
                  A = 6 kJ/mol, s = 0.1 nm, K = 400 kJ/mol/nm^2 (a CustomExternalForce): the
                  exact Boltzmann marginal of x is known, for the hybrid sampler's exactness tests.
Needs Debian's python3-simtk (OpenMM's Python API).
"""
import os

import openmm
from openmm import unit

out = os.path.join(os.path.dirname(__file__), '..', 'bindings', 'src', 'test', 'resources', 'org', 'boltzmann4j', 'openmm')
os.makedirs(out, exist_ok=True)

system = openmm.System()
for m in (12.0, 1.0, 16.0):
    system.addParticle(m)
bonds = openmm.HarmonicBondForce()
bonds.addBond(0, 1, 0.1, 3.0e5)
bonds.addBond(1, 2, 0.12, 2.0e5)
system.addForce(bonds)
angles = openmm.HarmonicAngleForce()
angles.addAngle(0, 1, 2, 1.9, 400.0)
angles.setForceGroup(1)
system.addForce(angles)
wall = openmm.CustomExternalForce('0.5*kw*(x^2+y^2+z^2)')
wall.addGlobalParameter('kw', 10.0)
for i in range(3):
    wall.addParticle(i, [])
wall.setForceGroup(2)
system.addForce(wall)

with open(os.path.join(out, 'triatomic.xml'), 'w') as f:
    f.write(openmm.XmlSerializer.serialize(system))
with open(os.path.join(out, 'verlet-integrator.xml'), 'w') as f:
    f.write(openmm.XmlSerializer.serialize(openmm.VerletIntegrator(0.001)))
print('wrote', os.path.abspath(out))

toy = os.path.join(os.path.dirname(__file__), '..', 'bg', 'src', 'test', 'resources', 'toy')
os.makedirs(toy, exist_ok=True)
particle = openmm.System()
particle.addParticle(12.0)
well = openmm.CustomExternalForce('A*((x/s)^2-1)^2+0.5*K*(y^2+z^2)')
well.addGlobalParameter('A', 6.0)
well.addGlobalParameter('s', 0.1)
well.addGlobalParameter('K', 400.0)
well.addParticle(0, [])
particle.addForce(well)
with open(os.path.join(toy, 'double-well-particle.xml'), 'w') as f:
    f.write(openmm.XmlSerializer.serialize(particle))
print('wrote', os.path.abspath(toy))
