#!/usr/bin/python3
"""Make the reference energies and forces the Java OpenMM energy tests compare against.

What it makes, for each bundled system S in (aldp-vacuum, aldp-implicit), in
bg/src/test/resources/reference/energies/:

  S-positions.npy       (128, 22, 3) float64  configurations, nm
  S-energies.npy        (128,)       float64  potential energies, kJ/mol
  S-forces.npy          (128, 22, 3) float64  forces, kJ/mol/nm
  S-group-energies.npy  (128, F)     float64  energy of each force alone, kJ/mol, where
                                              force index i of the System is put in force
                                              group i (F = number of forces)
  S-force-names.txt     F lines: the class name of force i (e.g. HarmonicBondForce)

All .npy files are C order, little endian, float64.

How to run (from the repository root; needs Debian's OpenMM 7.7 for /usr/bin/python3, and
the systems made by scripts/make-systems.py):

    /usr/bin/python3 scripts/make-reference-energies.py

The configurations: the bundled PDB positions (bg/src/main/resources/org/boltzmann4j/
bg/systems/S.pdb) plus Gaussian noise from numpy.random.default_rng(1234) (one generator
per system, so each system's file does not depend on the other's): configuration 0 is the
unperturbed PDB structure, configurations with index % 16 == 15 (8 of them) get sigma
0.03 nm, all others sigma 0.01 nm. Energies and forces come from OpenMM on the Reference
platform (double precision): a Context with a VerletIntegrator, getState(getEnergy=True,
getForces=True). The group energies come from a copy of the System with force i in group
i, getState(getEnergy=True, groups={i}); the script checks that they add up to the total.

Deterministic (fixed seed, Reference platform); runs in a few seconds.
"""

import os
import tempfile

import numpy as np
import openmm
from openmm import app, unit

SEED = 1234
N_CONFIGS = 128
SIGMA_SMALL_NM = 0.01
SIGMA_LARGE_NM = 0.03
SYSTEMS = ["aldp-vacuum", "aldp-implicit"]

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SYSTEMS_DIR = os.path.join(REPO, "bg", "src", "main", "resources", "org", "boltzmann4j", "bg", "systems")
OUT_DIR = os.path.join(REPO, "bg", "src", "test", "resources", "reference", "energies")

KJ = unit.kilojoule_per_mole
KJ_NM = unit.kilojoule_per_mole / unit.nanometer


def save_npy(path, array):
    array = np.ascontiguousarray(array, dtype="<f8")
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".npy")
    with os.fdopen(fd, "wb") as f:
        np.save(f, array)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def save_text(path, text):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".txt")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def reference_context(system):
    integrator = openmm.VerletIntegrator(0.001)
    context = openmm.Context(system, integrator, openmm.Platform.getPlatformByName("Reference"))
    return context, integrator


def make(name):
    with open(os.path.join(SYSTEMS_DIR, name + ".xml")) as f:
        system = openmm.XmlSerializer.deserialize(f.read())
    pdb = app.PDBFile(os.path.join(SYSTEMS_DIR, name + ".pdb"))
    base = np.array(pdb.getPositions(asNumpy=True).value_in_unit(unit.nanometer), dtype=np.float64)
    n_atoms = base.shape[0]
    if system.getNumParticles() != n_atoms:
        raise SystemExit("FAIL: %s: %d particles in the System, %d atoms in the PDB"
                         % (name, system.getNumParticles(), n_atoms))

    rng = np.random.default_rng(SEED)
    sigma = np.full(N_CONFIGS, SIGMA_SMALL_NM)
    sigma[np.arange(N_CONFIGS) % 16 == 15] = SIGMA_LARGE_NM
    sigma[0] = 0.0
    noise = rng.standard_normal((N_CONFIGS, n_atoms, 3))
    positions = base[None, :, :] + sigma[:, None, None] * noise

    grouped = openmm.XmlSerializer.deserialize(openmm.XmlSerializer.serialize(system))
    n_forces = grouped.getNumForces()
    if n_forces > 32:
        raise SystemExit("FAIL: %s has %d forces, more than OpenMM's 32 force groups" % (name, n_forces))
    for i in range(n_forces):
        grouped.getForce(i).setForceGroup(i)
    names = [grouped.getForce(i).__class__.__name__ for i in range(n_forces)]

    context, integrator = reference_context(system)
    gcontext, gintegrator = reference_context(grouped)
    energies = np.empty(N_CONFIGS)
    forces = np.empty((N_CONFIGS, n_atoms, 3))
    group_energies = np.empty((N_CONFIGS, n_forces))
    for k in range(N_CONFIGS):
        context.setPositions(positions[k])
        state = context.getState(getEnergy=True, getForces=True)
        energies[k] = state.getPotentialEnergy().value_in_unit(KJ)
        forces[k] = state.getForces(asNumpy=True).value_in_unit(KJ_NM)
        gcontext.setPositions(positions[k])
        for i in range(n_forces):
            group_energies[k, i] = gcontext.getState(getEnergy=True, groups={i}).getPotentialEnergy().value_in_unit(KJ)
    del context, integrator, gcontext, gintegrator

    gap = np.max(np.abs(group_energies.sum(axis=1) - energies))
    if not gap < 1e-6 * max(1.0, np.max(np.abs(energies))):
        raise SystemExit("FAIL: %s: group energies do not add up to the total (gap %.3g kJ/mol)" % (name, gap))
    if not (np.all(np.isfinite(energies)) and np.all(np.isfinite(forces))):
        raise SystemExit("FAIL: %s: non-finite energies or forces" % name)

    prefix = os.path.join(OUT_DIR, name)
    save_npy(prefix + "-positions.npy", positions)
    save_npy(prefix + "-energies.npy", energies)
    save_npy(prefix + "-forces.npy", forces)
    save_npy(prefix + "-group-energies.npy", group_energies)
    save_text(prefix + "-force-names.txt", "".join(n + "\n" for n in names))

    small = sigma == SIGMA_SMALL_NM
    large = sigma == SIGMA_LARGE_NM
    print("%s: %d configurations x %d atoms; E(PDB) = %.4f kJ/mol; sigma 0.01 nm: E in [%.2f, %.2f] "
          "(mean %.2f); sigma 0.03 nm: E in [%.2f, %.2f]; max |F| = %.1f kJ/mol/nm; group-sum gap %.2g"
          % (name, N_CONFIGS, n_atoms, energies[0], energies[small].min(), energies[small].max(),
             energies[small].mean(), energies[large].min(), energies[large].max(),
             np.max(np.linalg.norm(forces, axis=2)), gap))
    print("  E(PDB) by force: " + ", ".join("%s %.4f" % (n, e) for n, e in zip(names, group_energies[0])))


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for name in SYSTEMS:
        make(name)


if __name__ == "__main__":
    main()
