#!/usr/bin/python3
"""Make reference backbone dihedrals (phi, psi) of alanine dipeptide for the Java tests.

What it makes, in bg/src/test/resources/reference/dihedrals/:

  frames.npy    (16, 22, 3) float64, nm: configurations of aldp-implicit
  phi-psi.npy   (16, 2)     float64, radians in (-pi, pi]: column 0 phi, column 1 psi
  atoms.txt     the 0-based atom indices used, as lines "phi i j k l" and "psi i j k l"
                (lines starting with '#' are comments)

phi = C(ACE)-N-CA-C and psi = N-CA-C-N(NME), with the IUPAC sign convention, computed
with plain numpy: for points p0..p3, b0 = p0 - p1, b1 = (p2 - p1) / |p2 - p1|,
b2 = p3 - p2, v = b0 - (b0.b1) b1, w = b2 - (b2.b1) b1, angle = atan2((b1 x v).w, v.w);
an angle of exactly -pi would be reported as +pi.

The frames, from the bundled bg/src/main/resources/org/boltzmann4j/bg/systems/
aldp-implicit.pdb, with numpy.random.default_rng(2024):
  0-10   PDB positions + Gaussian noise, sigma 0.05 nm (so phi and psi spread widely);
  11-14  the PDB structure with phi set to +50, +75, +120 and +175 degrees by rotating
         the atoms on the CA side of the N-CA bond (HA, CB and its hydrogens, C, O and the
         NME group) about the N-CA axis; no noise, so psi is the PDB's;
  15     phi set to +60 degrees as above, then noise with sigma 0.01 nm.
So phi > 0 appears in frames 11-15 at least.

The values are cross-checked against OpenMM: a CustomTorsionForce with energy "theta"
on the Reference platform must give the same angles (to 1e-9 rad, modulo 2 pi).

How to run (from the repository root; needs Debian's OpenMM 7.7 for /usr/bin/python3,
used to read the PDB and for the cross-check):

    /usr/bin/python3 scripts/make-reference-dihedrals.py

Deterministic (fixed seed); runs in about a second.
"""

import math
import os
import tempfile

import numpy as np
import openmm
from openmm import app, unit

from peptide_geometry import dihedral, rotate, side_of_bond

SEED = 2024
N_NOISY = 11
SIGMA_NM = 0.05
PHI_TARGETS_DEG = [50.0, 75.0, 120.0, 175.0]
PHI_NOISY_TARGET_DEG = 60.0
SIGMA_SMALL_NM = 0.01

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
PDB_PATH = os.path.join(REPO, "bg", "src", "main", "resources", "org", "boltzmann4j", "bg", "systems",
                        "aldp-implicit.pdb")
OUT_DIR = os.path.join(REPO, "bg", "src", "test", "resources", "reference", "dihedrals")


def find(topology, resname, name):
    hits = [a.index for a in topology.atoms() if a.residue.name == resname and a.name == name]
    if len(hits) != 1:
        raise SystemExit("FAIL: expected one atom %s in %s, found %d" % (name, resname, len(hits)))
    return hits[0]


def set_phi(positions, phi_atoms, moving_atoms, target_rad):
    c0, n, ca, _ = phi_atoms
    current = dihedral(*(positions[i] for i in phi_atoms))
    out = positions.copy()
    # Turning the far atom (C, on the CA side) right-handedly about N->CA raises the dihedral.
    out[moving_atoms] = rotate(positions[moving_atoms], positions[n], positions[ca] - positions[n],
                               target_rad - current)
    got = dihedral(*(out[i] for i in phi_atoms))
    if abs(math.remainder(got - target_rad, 2.0 * math.pi)) > 1e-9:
        raise SystemExit("FAIL: setting phi to %.3f rad gave %.3f rad" % (target_rad, got))
    return out


def openmm_dihedrals(n_atoms, frames, quads):
    system = openmm.System()
    for _ in range(n_atoms):
        system.addParticle(1.0)
    forces = []
    for group, quad in enumerate(quads):
        force = openmm.CustomTorsionForce("theta")
        force.addTorsion(*quad, [])
        force.setForceGroup(group)
        system.addForce(force)
        forces.append(force)
    integrator = openmm.VerletIntegrator(0.001)
    context = openmm.Context(system, integrator, openmm.Platform.getPlatformByName("Reference"))
    out = np.empty((len(frames), len(quads)))
    for k, frame in enumerate(frames):
        context.setPositions(frame)
        for g in range(len(quads)):
            out[k, g] = context.getState(getEnergy=True, groups={g}).getPotentialEnergy().value_in_unit(
                unit.kilojoule_per_mole)
    return out


def save_npy(path, array):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".npy")
    with os.fdopen(fd, "wb") as f:
        np.save(f, np.ascontiguousarray(array, dtype="<f8"))
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def save_text(path, text):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".txt")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    pdb = app.PDBFile(PDB_PATH)
    topology = pdb.topology
    base = np.array(pdb.getPositions(asNumpy=True).value_in_unit(unit.nanometer), dtype=np.float64)
    n_atoms = base.shape[0]

    c_ace = find(topology, "ACE", "C")
    n_ala = find(topology, "ALA", "N")
    ca_ala = find(topology, "ALA", "CA")
    c_ala = find(topology, "ALA", "C")
    n_nme = find(topology, "NME", "N")
    phi_atoms = (c_ace, n_ala, ca_ala, c_ala)
    psi_atoms = (n_ala, ca_ala, c_ala, n_nme)
    moving = side_of_bond(topology, n_ala, ca_ala)

    rng = np.random.default_rng(SEED)
    frames = [base + SIGMA_NM * rng.standard_normal(base.shape) for _ in range(N_NOISY)]
    for target in PHI_TARGETS_DEG:
        frames.append(set_phi(base, phi_atoms, moving, math.radians(target)))
    rotated = set_phi(base, phi_atoms, moving, math.radians(PHI_NOISY_TARGET_DEG))
    frames.append(rotated + SIGMA_SMALL_NM * rng.standard_normal(base.shape))
    frames = np.array(frames)

    phi = dihedral(*(frames[:, i] for i in phi_atoms))
    psi = dihedral(*(frames[:, i] for i in psi_atoms))
    phi_psi = np.stack([phi, psi], axis=1)

    check = openmm_dihedrals(n_atoms, frames, [phi_atoms, psi_atoms])
    gap = np.max(np.abs(np.remainder(check - phi_psi + np.pi, 2.0 * np.pi) - np.pi))
    if not gap < 1e-9:
        raise SystemExit("FAIL: numpy and OpenMM dihedrals differ by up to %.3g rad" % gap)
    if not np.all((phi_psi > -np.pi) & (phi_psi <= np.pi)):
        raise SystemExit("FAIL: angles outside (-pi, pi]")
    if not np.all(phi[N_NOISY:] > 0):
        raise SystemExit("FAIL: the phi-rotated frames do not all have phi > 0")

    save_npy(os.path.join(OUT_DIR, "frames.npy"), frames)
    save_npy(os.path.join(OUT_DIR, "phi-psi.npy"), phi_psi)
    atom_lines = ["# 0-based atom indices into aldp-implicit.pdb / aldp-vacuum.pdb (same order)",
                  "# phi = C(ACE)-N-CA-C, psi = N-CA-C-N(NME)",
                  "phi %d %d %d %d" % phi_atoms,
                  "psi %d %d %d %d" % psi_atoms]
    save_text(os.path.join(OUT_DIR, "atoms.txt"), "\n".join(atom_lines) + "\n")

    print("phi atoms %s, psi atoms %s; atoms rotated to set phi: %s" % (phi_atoms, psi_atoms, moving))
    for k in range(len(frames)):
        print("frame %2d  phi %8.2f  psi %8.2f deg" % (k, math.degrees(phi[k]), math.degrees(psi[k])))
    print("max |numpy - OpenMM CustomTorsionForce| = %.2g rad" % gap)


if __name__ == "__main__":
    main()
