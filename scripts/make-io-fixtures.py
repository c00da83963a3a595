#!/usr/bin/python3
"""Make the small files that test boltzmann4j's molecular file readers against numpy and OpenMM.

What it makes (in bg/src/test/resources/io/), each tiny and committed, so the Java tests need no
Python:

  numpy-f8-2x3.npy           np.save of arange(6, dtype=float64).reshape(2, 3) / 4 (byte-exact test)
  numpy-f4-big-endian.npy    '>f4', shape (3, 2)
  numpy-i4-fortran.npy       int32, shape (2, 3, 4), Fortran order (values arange(24) in C order)
  numpy-i8-v2.npy            int64, shape (5,), format version 2.0
  numpy-f8-v3.npy            float64, shape (2, 2), format version 3.0
  numpy-u1.npy, numpy-b1.npy uint8 (4,), bool (2, 2)
  numpy-scalar.npy           float64, shape ()
  numpy-savez.npz            np.savez(a=float64 (2,3), b=int32 (4,))        (stored)
  numpy-savez-compressed.npz np.savez_compressed(same)                       (deflated)
  openmm-nobox.dcd           openmm.app.DCDFile, 3 atoms, 4 frames, no unit cell,
                             dt 0.002 ps, firstStep 100, interval 10
  openmm-nobox-positions.npy the positions written, float64 nm, shape (4, 3, 3)
  openmm-box.dcd             the same with a triclinic periodic box
  openmm-box-positions.npy   positions (4, 3, 3), nm
  openmm-box-vectors.npy     box vectors per frame, nm, shape (4, 3, 3)
  aldp-two-models.pdb        openmm.app.PDBFile of the bundled alanine dipeptide, two models
                             (the second shifted by +0.1 nm in x)
  aldp-openmm-bonds.npy      OpenMM's bonds for it (int32, (21, 2), 0-based atom indices)
  pro-dipeptide-openmm-bonds.npy  OpenMM's bonds for the bundled ACE-PRO-NME (int32, (26, 2))
  amber-residue-bonds.txt    internal bonds of amber99sbildn's residue templates by atom name,
                             one residue a line: "ALA N-H N-CA ..."

How to run (from the repository root; needs Debian's OpenMM 7.7 for /usr/bin/python3):

    /usr/bin/python3 scripts/make-io-fixtures.py
"""
import os
import time
import xml.etree.ElementTree as ET

import numpy as np
import openmm
import openmm.app as app
import openmm.unit as unit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'bg', 'src', 'test', 'resources', 'io')
SYSTEMS = os.path.join(ROOT, 'bg', 'src', 'main', 'resources', 'org', 'boltzmann4j', 'bg', 'systems')
ALDP = os.path.join(SYSTEMS, 'aldp-vacuum.pdb')
PRO_DIPEPTIDE = os.path.join(SYSTEMS, 'pro-dipeptide-vacuum.pdb')


def path(name):
    return os.path.join(OUT, name)


def numpy_files():
    np.save(path('numpy-f8-2x3.npy'), np.arange(6, dtype=np.float64).reshape(2, 3) / 4)
    np.save(path('numpy-f4-big-endian.npy'), (np.arange(6, dtype='>f4').reshape(3, 2) - 2.5))
    np.save(path('numpy-i4-fortran.npy'), np.asfortranarray(np.arange(24, dtype=np.int32).reshape(2, 3, 4)))
    with open(path('numpy-i8-v2.npy'), 'wb') as f:
        np.lib.format.write_array(f, np.array([1, -2, 3, 2**40, -2**40], dtype=np.int64), version=(2, 0))
    with open(path('numpy-f8-v3.npy'), 'wb') as f:
        np.lib.format.write_array(f, np.array([[1.5, -2.5], [1e-300, 1e300]]), version=(3, 0))
    np.save(path('numpy-u1.npy'), np.array([0, 1, 200, 255], dtype=np.uint8))
    np.save(path('numpy-b1.npy'), np.array([[True, False], [False, True]]))
    np.save(path('numpy-scalar.npy'), np.float64(2.75))
    a = np.arange(6, dtype=np.float64).reshape(2, 3) * 1.5
    b = np.array([7, 8, 9, -10], dtype=np.int32)
    np.savez(path('numpy-savez.npz'), a=a, b=b)
    np.savez_compressed(path('numpy-savez-compressed.npz'), a=a, b=b)


def three_atom_topology(box_vectors=None):
    top = app.Topology()
    chain = top.addChain()
    res = top.addResidue('HOH', chain)
    o = top.addAtom('O', app.element.oxygen, res)
    h1 = top.addAtom('H1', app.element.hydrogen, res)
    h2 = top.addAtom('H2', app.element.hydrogen, res)
    top.addBond(o, h1)
    top.addBond(o, h2)
    if box_vectors is not None:
        top.setPeriodicBoxVectors(box_vectors)
    return top


class _EpochClock:
    """Stands in for `time` inside openmm.app.dcdfile, whose title line would carry today's date."""

    @staticmethod
    def time():
        return 0.0

    @staticmethod
    def localtime(seconds=None):
        return time.gmtime(0)

    @staticmethod
    def asctime(t):
        return time.asctime(t)


def dcd_files():
    import openmm.app.dcdfile as dcdmodule
    dcdmodule.time = _EpochClock
    rng = np.random.default_rng(20240601)
    positions = rng.uniform(-3.0, 3.0, size=(4, 3, 3))
    # nobox
    top = three_atom_topology()
    with open(path('openmm-nobox.dcd'), 'wb') as f:
        dcd = app.DCDFile(f, top, 0.002 * unit.picoseconds, firstStep=100, interval=10)
        for frame in positions:
            dcd.writeModel([openmm.Vec3(*p) for p in frame] * unit.nanometers)
    np.save(path('openmm-nobox-positions.npy'), positions)
    # triclinic box, in OpenMM's reduced form, changing a little every frame
    base = np.array([[2.5, 0.0, 0.0], [0.4, 2.3, 0.0], [-0.3, 0.5, 2.1]])
    vectors = np.array([base * (1 + 0.01 * k) for k in range(4)])
    top = three_atom_topology(tuple(openmm.Vec3(*v) for v in base) * unit.nanometers)
    with open(path('openmm-box.dcd'), 'wb') as f:
        dcd = app.DCDFile(f, top, 0.004 * unit.picoseconds, firstStep=0, interval=5)
        for frame, box in zip(positions, vectors):
            dcd.writeModel([openmm.Vec3(*p) for p in frame] * unit.nanometers,
                           periodicBoxVectors=tuple(openmm.Vec3(*v) for v in box) * unit.nanometers)
    np.save(path('openmm-box-positions.npy'), positions)
    np.save(path('openmm-box-vectors.npy'), vectors)


def pdb_files():
    pdb = app.PDBFile(ALDP)
    positions = np.array(pdb.getPositions().value_in_unit(unit.nanometers))
    with open(path('aldp-two-models.pdb'), 'w') as f:
        # no writeHeader: its REMARK carries today's date, and the fixture should not change
        app.PDBFile.writeModel(pdb.topology, positions * unit.nanometers, f, modelIndex=1)
        app.PDBFile.writeModel(pdb.topology, (positions + [0.1, 0, 0]) * unit.nanometers, f, modelIndex=2)
        app.PDBFile.writeFooter(pdb.topology, f)
    np.save(path('aldp-openmm-bonds.npy'), sorted_bonds(pdb.topology))
    np.save(path('pro-dipeptide-openmm-bonds.npy'), sorted_bonds(app.PDBFile(PRO_DIPEPTIDE).topology))


def sorted_bonds(topology):
    bonds = sorted(tuple(sorted((b[0].index, b[1].index))) for b in topology.bonds())
    return np.array(bonds, dtype=np.int32)


def amber_templates():
    xml = os.path.join(os.path.dirname(app.__file__), 'data', 'amber99sbildn.xml')
    wanted = ['ALA', 'ARG', 'ASN', 'ASP', 'ASH', 'CYS', 'CYX', 'GLN', 'GLU', 'GLH', 'GLY', 'HID', 'HIE',
              'HIP', 'ILE', 'LEU', 'LYS', 'LYN', 'MET', 'PHE', 'PRO', 'SER', 'THR', 'TRP', 'TYR', 'VAL',
              'ACE', 'NME']
    residues = {r.get('name'): r for r in ET.parse(xml).getroot().find('Residues')}
    lines = []
    for name in wanted:
        r = residues[name]
        atoms = [a.get('name') for a in r.findall('Atom')]
        bonds = []
        for b in r.findall('Bond'):
            if b.get('from') is not None:
                a1, a2 = atoms[int(b.get('from'))], atoms[int(b.get('to'))]
            else:
                a1, a2 = b.get('atomName1'), b.get('atomName2')
            bonds.append(a1 + '-' + a2)
        lines.append(name + ' ' + ' '.join(bonds))
    with open(path('amber-residue-bonds.txt'), 'w') as f:
        f.write('# internal bonds of amber99sbildn.xml residue templates (scripts/make-io-fixtures.py)\n')
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    numpy_files()
    dcd_files()
    pdb_files()
    amber_templates()
    print('wrote fixtures to', OUT)
