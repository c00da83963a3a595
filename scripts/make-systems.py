#!/usr/bin/python3
"""Build the molecular systems bundled with boltzmann4j.

What it makes (in bg/src/main/resources/org/boltzmann4j/bg/systems/):

  aldp-vacuum.xml    + aldp-vacuum.pdb     ACE-ALA-NME (22 atoms), amber99sbildn, vacuum
  aldp-implicit.xml  + aldp-implicit.pdb   ACE-ALA-NME (22 atoms), amber99sbildn + OBC
                                           implicit solvent (amber99_obc.xml)
  pro-dipeptide-vacuum.xml + .pdb          ACE-PRO-NME (26 atoms), amber99sbildn, vacuum
                                           (a molecule with a ring, for the ring tests of
                                           internal coordinates)

The .xml files are OpenMM Systems serialized with openmm.XmlSerializer; the .pdb files
are the matching energy-minimized structures (same atom order as the System).

How to run (from the repository root; needs Debian's OpenMM 7.7 for /usr/bin/python3):

    /usr/bin/python3 scripts/make-systems.py

Settings for every system: NoCutoff, constraints=None, rigidWater=False,
removeCMMotion=False. No CMMotionRemover: the Boltzmann generator only evaluates
energies and forces, for which a CMMotionRemover does nothing; MD code that wants
centre-of-mass motion removal adds it itself.

How the structures are made: OpenMM ships no dipeptide PDB, so the heavy atoms are built
here from standard internal geometry (Engh & Huber bond lengths and angles; backbone
torsions phi=-80, psi=+80 deg (C7eq/beta region) for ALA, phi=-65, psi=+140 deg for PRO,
both peptide bonds trans, omega=180 deg) with a small NeRF (natural extension reference
frame) routine. The heavy-atom PDB is read with openmm.app.PDBFile (which adds the
standard bonds, including the proline ring bond CD-N), hydrogens are added with
Modeller.addHydrogens(forcefield), and the structure is minimized with
LocalEnergyMinimizer on the Reference platform.

Checks (the script fails loudly when one does not hold):
  - L-chirality of CA: the improper dihedral N-CA-C-CB is negative (about -120 deg) for
    an L-amino acid (checked against the villin structure OpenMM ships: all its residues
    give -116..-126 deg) and positive for a D-amino acid; checked before and after
    minimization;
  - phi < 0 after minimization (ALA and PRO);
  - the proline ring closes (CD-N distance near a bond length) before hydrogens are added;
  - the written PDB, read back, gives the same energy as the minimized state (up to the
    0.001 Angstrom rounding of PDB coordinates).

Deterministic: Modeller.addHydrogens draws the starting hydrogen positions from Python's
`random` module, which is seeded with the fixed SEED before each call, and relaxes them on
the Reference platform; the minimizer on the Reference platform is deterministic; and the
PDB header carries no date (OpenMM's PDBFile.writeHeader would write today's date, so it
is not used).
Runs in a few seconds.
"""

import io
import math
import os
import random
import sys
import tempfile

import numpy as np
import openmm
from openmm import app, unit

# Modeller.addHydrogens starts new hydrogens at positions drawn from Python's `random`
# module before it relaxes them, so that module is seeded before every call.
SEED = 20240601

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT_DIR = os.path.join(REPO, "bg", "src", "main", "resources", "org", "boltzmann4j", "bg", "systems")

# Standard geometry, Angstrom and degrees (Engh & Huber 1991 values, rounded).
B_N_CA = 1.458
B_CA_C = 1.525
B_C_N = 1.329      # peptide bond
B_C_O = 1.231
B_CA_CB = 1.530
B_CH3_C = 1.520    # ACE methyl - carbonyl carbon
B_N_CH3 = 1.458    # NME nitrogen - methyl
B_CB_CG_PRO = 1.495
B_CG_CD_PRO = 1.507
A_N_CA_C = 111.2
A_CA_C_N = 116.2
A_C_N_CA = 121.7
A_CA_C_O = 120.8
A_O_C_N = 123.0
A_N_CA_CB = 110.5
A_CA_CB_CG_PRO = 104.5
A_CB_CG_CD_PRO = 105.5
T_C_N_CA_CB = -122.6  # L-amino acid (gives improper N-CA-C-CB of about -123 deg)


def nerf(a, b, c, bond, angle_deg, torsion_deg):
    """Place atom d bonded to c, with |cd| = bond, angle b-c-d and dihedral a-b-c-d."""
    angle = math.radians(angle_deg)
    torsion = math.radians(torsion_deg)
    bc = c - b
    bc /= np.linalg.norm(bc)
    n = np.cross(b - a, bc)
    n /= np.linalg.norm(n)
    m = np.cross(n, bc)
    d_local = np.array([-bond * math.cos(angle),
                        bond * math.sin(angle) * math.cos(torsion),
                        bond * math.sin(angle) * math.sin(torsion)])
    return c + d_local[0] * bc + d_local[1] * m + d_local[2] * n


def dihedral(p0, p1, p2, p3):
    """Dihedral p0-p1-p2-p3 in degrees (IUPAC sign convention), via atan2."""
    b0 = p0 - p1
    b1 = p2 - p1
    b2 = p3 - p2
    b1 = b1 / np.linalg.norm(b1)
    v = b0 - np.dot(b0, b1) * b1
    w = b2 - np.dot(b2, b1) * b1
    x = np.dot(v, w)
    y = np.dot(np.cross(b1, v), w)
    return math.degrees(math.atan2(y, x))


def build_heavy_atoms(residue, phi, psi):
    """Heavy atoms of ACE-<residue>-NME as a list of (resname, resid, atomname, element, xyz)."""
    ch3 = np.array([0.0, 0.0, 0.0])
    c0 = np.array([B_CH3_C, 0.0, 0.0])
    a = math.radians(180.0 - A_CA_C_N)
    n1 = c0 + B_C_N * np.array([math.cos(a), math.sin(a), 0.0])
    ca = nerf(ch3, c0, n1, B_N_CA, A_C_N_CA, 180.0)                 # omega(ACE-X) = 180
    o0 = nerf(ca, n1, c0, B_C_O, A_O_C_N, 0.0)                       # O cis to CA
    c1 = nerf(c0, n1, ca, B_CA_C, A_N_CA_C, phi)                     # phi
    cb = nerf(c1, n1, ca, B_CA_CB, A_N_CA_CB, T_C_N_CA_CB)           # L-chirality
    n2 = nerf(n1, ca, c1, B_C_N, A_CA_C_N, psi)                      # psi
    o1 = nerf(n1, ca, c1, B_C_O, A_CA_C_O, psi + 180.0)
    c2 = nerf(ca, c1, n2, B_N_CH3, A_C_N_CA, 180.0)                  # omega(X-NME) = 180
    atoms = [
        ("ACE", 1, "CH3", "C", ch3),
        ("ACE", 1, "C", "C", c0),
        ("ACE", 1, "O", "O", o0),
        (residue, 2, "N", "N", n1),
        (residue, 2, "CA", "C", ca),
        (residue, 2, "C", "C", c1),
        (residue, 2, "O", "O", o1),
        (residue, 2, "CB", "C", cb),
    ]
    if residue == "PRO":
        cg = nerf(n1, ca, cb, B_CB_CG_PRO, A_CA_CB_CG_PRO, 30.0)     # chi1
        cd = nerf(ca, cb, cg, B_CG_CD_PRO, A_CB_CG_CD_PRO, -36.0)     # chi2
        ring_gap = float(np.linalg.norm(cd - n1))
        if not 1.3 < ring_gap < 1.7:
            raise SystemExit("FAIL: proline ring does not close: CD-N = %.3f A" % ring_gap)
        atoms += [(residue, 2, "CG", "C", cg), (residue, 2, "CD", "C", cd)]
    # OpenMM's pdbNames.xml calls the NME methyl carbon 'C' (amber99sbildn's template
    # calls it 'CH3'; templates are matched by bonds and elements, not names).
    atoms += [("NME", 3, "N", "N", n2), ("NME", 3, "C", "C", c2)]
    return atoms


def heavy_atom_pdb(atoms):
    lines = []
    for i, (resname, resid, name, element, xyz) in enumerate(atoms, start=1):
        padded = (" " + name) if len(name) < 4 else name
        lines.append("ATOM  %5d %-4s %3s A%4d    %8.3f%8.3f%8.3f  1.00  0.00          %2s"
                     % (i, padded, resname, resid, xyz[0], xyz[1], xyz[2], element))
    lines.append("TER")
    lines.append("END")
    return "\n".join(lines) + "\n"


def atom_index(topology, resname, name):
    for atom in topology.atoms():
        if atom.residue.name == resname and atom.name == name:
            return atom.index
    raise SystemExit("FAIL: no atom %s in residue %s" % (name, resname))


def backbone(topology, positions_nm, residue):
    idx = {key: atom_index(topology, *key) for key in
           [("ACE", "C"), (residue, "N"), (residue, "CA"), (residue, "C"), (residue, "CB"), ("NME", "N")]}
    p = {key: positions_nm[i] for key, i in idx.items()}
    phi = dihedral(p[("ACE", "C")], p[(residue, "N")], p[(residue, "CA")], p[(residue, "C")])
    psi = dihedral(p[(residue, "N")], p[(residue, "CA")], p[(residue, "C")], p[("NME", "N")])
    improper = dihedral(p[(residue, "N")], p[(residue, "CA")], p[(residue, "C")], p[(residue, "CB")])
    return phi, psi, improper


def check_l_chirality(improper, residue, stage):
    # L-amino acids: improper N-CA-C-CB about -120 deg; D-amino acids about +120 deg.
    if not -170.0 < improper < -70.0:
        raise SystemExit("FAIL: %s CA is not L (%s): improper N-CA-C-CB = %.1f deg, expected about -120"
                         % (residue, stage, improper))


def write_atomically(path, data):
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=os.path.basename(path))
    with os.fdopen(fd, "w") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def energy(system, positions):
    integrator = openmm.VerletIntegrator(0.001)
    context = openmm.Context(system, integrator, openmm.Platform.getPlatformByName("Reference"))
    context.setPositions(positions)
    e = context.getState(getEnergy=True).getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)
    del context, integrator
    return e


def make(name, residue, phi, psi, forcefield_files, description):
    forcefield = app.ForceField(*forcefield_files)
    atoms = build_heavy_atoms(residue, phi, psi)
    pdb = app.PDBFile(io.StringIO(heavy_atom_pdb(atoms)))
    heavy = np.array(pdb.getPositions(asNumpy=True).value_in_unit(unit.nanometer))
    _, _, improper = backbone(pdb.topology, heavy, residue)
    check_l_chirality(improper, residue, "as built")

    modeller = app.Modeller(pdb.topology, pdb.positions)
    random.seed(SEED)
    modeller.addHydrogens(forcefield, platform=openmm.Platform.getPlatformByName("Reference"))
    topology = modeller.topology
    system = forcefield.createSystem(topology, nonbondedMethod=app.NoCutoff, constraints=None,
                                     rigidWater=False, removeCMMotion=False)
    if system.getNumParticles() != topology.getNumAtoms():
        raise SystemExit("FAIL: %s: System has %d particles, topology %d atoms"
                         % (name, system.getNumParticles(), topology.getNumAtoms()))

    integrator = openmm.VerletIntegrator(0.001)
    context = openmm.Context(system, integrator, openmm.Platform.getPlatformByName("Reference"))
    context.setPositions(modeller.positions)
    e_start = context.getState(getEnergy=True).getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)
    openmm.LocalEnergyMinimizer.minimize(context, 0.01, 0)
    state = context.getState(getEnergy=True, getPositions=True, getForces=True)
    e_min = state.getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole)
    positions = state.getPositions(asNumpy=True)
    forces = state.getForces(asNumpy=True).value_in_unit(unit.kilojoule_per_mole / unit.nanometer)
    max_force = float(np.max(np.linalg.norm(forces, axis=1)))
    del context, integrator

    phi_min, psi_min, improper_min = backbone(topology, positions.value_in_unit(unit.nanometer), residue)
    check_l_chirality(improper_min, residue, "after minimization")
    if not phi_min < 0.0:
        raise SystemExit("FAIL: %s: phi = %.1f deg after minimization, expected < 0" % (name, phi_min))

    # PDB without OpenMM's dated header, so the output is byte-for-byte reproducible.
    text = io.StringIO()
    print("REMARK   1 %s" % description, file=text)
    print("REMARK   2 MADE BY scripts/make-systems.py WITH OPENMM %s, ENERGY-MINIMIZED" % openmm.__version__,
          file=text)
    app.PDBFile.writeModel(topology, positions, text, keepIds=True)
    app.PDBFile.writeFooter(topology, text)
    pdb_path = os.path.join(OUT_DIR, name + ".pdb")
    xml_path = os.path.join(OUT_DIR, name + ".xml")
    write_atomically(pdb_path, text.getvalue())
    write_atomically(xml_path, openmm.XmlSerializer.serialize(system))

    # Read both files back: the same atoms, and the same energy up to PDB rounding.
    reread = app.PDBFile(pdb_path)
    with open(xml_path) as f:
        system_back = openmm.XmlSerializer.deserialize(f.read())
    names = [(a.residue.name, a.name) for a in topology.atoms()]
    names_back = [(a.residue.name, a.name) for a in reread.topology.atoms()]
    if names != names_back:
        raise SystemExit("FAIL: %s: atom names change when the PDB is read back" % name)
    e_back = energy(system_back, reread.positions)
    if abs(e_back - e_min) > 0.5:
        raise SystemExit("FAIL: %s: energy of the written files %.4f differs from the minimized %.4f"
                         % (name, e_back, e_min))
    forces_list = ", ".join(system.getForce(i).__class__.__name__ for i in range(system.getNumForces()))
    print("%-22s %2d atoms  E(built)=%10.3f  E(min)=%9.4f  E(pdb)=%9.4f kJ/mol  max|F|=%.3f kJ/mol/nm  "
          "phi=%7.2f psi=%7.2f improper(N-CA-C-CB)=%7.2f deg  forces: %s"
          % (name, topology.getNumAtoms(), e_start, e_min, e_back, max_force, phi_min, psi_min,
             improper_min, forces_list))
    return topology


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    make("aldp-vacuum", "ALA", -80.0, 80.0, ["amber99sbildn.xml"],
         "ALANINE DIPEPTIDE ACE-ALA-NME, AMBER99SBILDN, VACUUM")
    make("aldp-implicit", "ALA", -80.0, 80.0, ["amber99sbildn.xml", "amber99_obc.xml"],
         "ALANINE DIPEPTIDE ACE-ALA-NME, AMBER99SBILDN + OBC IMPLICIT SOLVENT")
    make("pro-dipeptide-vacuum", "PRO", -65.0, 140.0, ["amber99sbildn.xml"],
         "PROLINE DIPEPTIDE ACE-PRO-NME, AMBER99SBILDN, VACUUM")


if __name__ == "__main__":
    main()
