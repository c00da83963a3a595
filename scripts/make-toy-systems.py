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
  harmonic-particles.xml  64 particles of 10 amu, each in its own well 0.5*k*r^2 (k 1000
                  kJ/mol/nm^2): equipartition gives the exact mean kinetic and potential energy.
  constrained.xml, virtual-site.xml, cm-motion-remover.xml, periodic-box.xml  the triatomic
                  with one extra feature each (a 0-1 distance constraint; a fourth, massless
                  particle that is a TwoParticleAverageSite of 0 and 2; a CMMotionRemover; a
                  periodic NonbondedForce in a 3 nm cubic box), for the checks made on load.
and into bg/src/test/resources/toy/:
  aldp-vacuum-hbonds.xml  the bundled aldp-vacuum System with its 12 bonds to hydrogen made
                  distance constraints at their equilibrium lengths (as createSystem(constraints=HBonds)
                  does): a System that HMC and internal-coordinate flows must refuse.
  triatomic.xml, triatomic-virtual-site.xml  copies of the bindings' triatomic.xml and virtual-site.xml.
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


def variant(name, change):
    copy = openmm.XmlSerializer.deserialize(openmm.XmlSerializer.serialize(system))
    change(copy)
    with open(os.path.join(out, name), 'w') as f:
        f.write(openmm.XmlSerializer.serialize(copy))


variant('constrained.xml', lambda s: s.addConstraint(0, 1, 0.1))


def add_virtual_site(s):
    s.addParticle(0.0)
    s.setVirtualSite(3, openmm.TwoParticleAverageSite(0, 2, 0.5, 0.5))
    s.getForce(2).addParticle(3, [])


variant('virtual-site.xml', add_virtual_site)
variant('cm-motion-remover.xml', lambda s: s.addForce(openmm.CMMotionRemover()))


def add_periodic(s):
    nonbonded = openmm.NonbondedForce()
    nonbonded.setNonbondedMethod(openmm.NonbondedForce.CutoffPeriodic)
    nonbonded.setCutoffDistance(1.0)
    for i in range(3):
        nonbonded.addParticle(0.0, 0.3, 0.1)
    nonbonded.addException(0, 1, 0.0, 0.3, 0.0)
    nonbonded.addException(1, 2, 0.0, 0.3, 0.0)
    nonbonded.addException(0, 2, 0.0, 0.3, 0.0)
    nonbonded.setForceGroup(3)
    s.addForce(nonbonded)
    s.setDefaultPeriodicBoxVectors(openmm.Vec3(3, 0, 0), openmm.Vec3(0, 3, 0), openmm.Vec3(0, 0, 3))


variant('periodic-box.xml', add_periodic)

harmonic = openmm.System()
well = openmm.CustomExternalForce('0.5*k*(x^2+y^2+z^2)')
well.addGlobalParameter('k', 1000.0)
for i in range(64):
    harmonic.addParticle(10.0)
    well.addParticle(i, [])
harmonic.addForce(well)
with open(os.path.join(out, 'harmonic-particles.xml'), 'w') as f:
    f.write(openmm.XmlSerializer.serialize(harmonic))
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
for name, copy in (('triatomic.xml', 'triatomic.xml'), ('virtual-site.xml', 'triatomic-virtual-site.xml')):
    with open(os.path.join(out, name)) as f, open(os.path.join(toy, copy), 'w') as g:
        g.write(f.read())
systems = os.path.join(os.path.dirname(__file__), '..', 'bg', 'src', 'main', 'resources', 'org', 'boltzmann4j', 'bg', 'systems')
with open(os.path.join(systems, 'aldp-vacuum.xml')) as f:
    aldp = openmm.XmlSerializer.deserialize(f.read())
for force in aldp.getForces():
    if isinstance(force, openmm.HarmonicBondForce):
        for b in range(force.getNumBonds()):
            i, j, r0, k = force.getBondParameters(b)
            if min(aldp.getParticleMass(i), aldp.getParticleMass(j)).value_in_unit(unit.dalton) < 1.5:
                aldp.addConstraint(i, j, r0)
with open(os.path.join(toy, 'aldp-vacuum-hbonds.xml'), 'w') as f:
    f.write(openmm.XmlSerializer.serialize(aldp))
print('wrote', os.path.abspath(toy))
