#!/usr/bin/python3
"""Build the bundled one-particle double wells (issue 14's reproduction of mode collapse).

    /usr/bin/python3 scripts/make-double-wells.py

Writes into bg/src/main/resources/org/boltzmann4j/bg/systems/, for H = 3, 5 and 8:

  double-well-HkT.xml  one particle (12 amu) in U = A ((x/s)^2 - 1)^2 + K/2 (y^2 + z^2), a
                       CustomExternalForce with A = H kT at 300 K (kT = R * 300 K =
                       2.494339 kJ/mol), s = 0.1 nm (wells at x = -0.1 and +0.1 nm, barrier A at
                       x = 0) and K = 1000 kJ/mol/nm^2 (standard deviation 0.05 nm in y and z at
                       300 K). Symmetric: each well holds exactly half of the probability.
  double-well-HkT.pdb  the particle (element C, no bonds) at x = -0.1 nm, the left well's minimum,
                       where a flow trained by energy alone starts.

The exact marginal of x at temperature T is proportional to exp(-A ((x/s)^2 - 1)^2 / kT),
the tests and scripts/bench-fab integrate it by quadrature.
"""
import os

import openmm

R_KJ_PER_MOL_K = 0.00831446261815324
KT_300 = R_KJ_PER_MOL_K * 300.0
out = os.path.join(os.path.dirname(__file__), '..', 'bg', 'src', 'main', 'resources', 'org', 'boltzmann4j', 'bg', 'systems')
for height in (3, 5, 8):
    system = openmm.System()
    system.addParticle(12.0)
    well = openmm.CustomExternalForce('A*((x/s)^2-1)^2+0.5*K*(y^2+z^2)')
    well.addGlobalParameter('A', height * KT_300)
    well.addGlobalParameter('s', 0.1)
    well.addGlobalParameter('K', 1000.0)
    well.addParticle(0, [])
    system.addForce(well)
    name = 'double-well-%dkT' % height
    with open(os.path.join(out, name + '.xml'), 'w') as f:
        f.write(openmm.XmlSerializer.serialize(system))
    with open(os.path.join(out, name + '.pdb'), 'w') as f:
        f.write('REMARK   1 ONE PARTICLE IN A SYMMETRIC DOUBLE WELL ALONG X, BARRIER %d KT AT 300 K\n' % height)
        f.write('REMARK   2 MADE BY scripts/make-double-wells.py\n')
        f.write('HETATM    1  C1  DWP A   1      -1.000   0.000   0.000  1.00  0.00           C  \n')
        f.write('END\n')
print('wrote', os.path.abspath(out))
