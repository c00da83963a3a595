#!/usr/bin/python3
"""Reference energies for bg's force-field code (org.boltzmann4j.bg.forcefield), from OpenMM Python.

For each structure and each set-up, OpenMM Python's ForceField(...).createSystem(...) builds the
System (constraints=None, rigidWater=False, removeCMMotion=True, as bg's createSystem defaults),
each force gets its own force group (group i for the i-th force), and the Reference platform
gives, for a few configurations (the PDB's and Gaussian perturbations of it, sigma 0.005 nm,
fixed seed), the potential energy and each group's energy, and the forces of the first
perturbed configuration. To keep the file small, forces are stored for every set-up of the
capped dipeptides, every other set-up of villin, and two set-ups per test peptide (peptide p:
set-ups p mod 14 and p + 7 mod 14), so every set-up has forces checked on several structures;
energies and per-force energies are stored for every structure and set-up.

Set-ups:
  amber99sbildn + vacuum | amber99_obc.xml,                       NoCutoff and CutoffNonPeriodic 2 nm
  amber14-all   + vacuum | implicit/obc1.xml | obc2.xml | gbn2.xml | gbsa-obc2, the same two methods
gbsa-obc2 is ForceField('amber14-all.xml') plus OpenMM's native GBSAOBCForce with the app layer's
standard OBC2 parameters (GBSAOBC2Force.getStandardParameters: mbondi2 radii, OBC screens),
solventDielectric 78.5, soluteDielectric 1, the cutoff with CutoffNonPeriodic, and the
NonbondedForce's reaction-field dielectric set to 1 (what amber_file_parser does for OBC2
without salt, and what createSystem does for any GB force).

Structures (bg/src/test/resources/org/boltzmann4j/bg/forcefield/structures/, read with
openmm.app.PDBFile): the bundled ACE-ALA-NME and ACE-PRO-NME, villin headpiece (OpenMM's
data/test.pdb without water and ions: 35 residues, zwitterionic termini, 16 kinds of amino acid),
and the 40 test peptides of bg/src/test/resources/org/boltzmann4j/bg/forcefield/peptides/ (made by
scripts/make-test-peptides.py through bg build).

Output: bg/src/test/resources/org/boltzmann4j/bg/forcefield/reference-forcefield.json.gz
(numbers as Python's repr, which reads back to the same double).
Run from the repository root:  /usr/bin/python3 scripts/make-reference-forcefield.py
Deterministic (fixed seed; Reference platform is deterministic).
"""
import glob
import gzip
import io
import json
import os

import numpy as np
import openmm
from openmm import app, unit
from openmm.app.internal import customgbforces

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
RES = os.path.join(REPO, "bg", "src", "test", "resources", "org", "boltzmann4j", "bg", "forcefield")
STRUCTURES = os.path.join(RES, "structures")
PEPTIDES = os.path.join(RES, "peptides")
OUT = os.path.join(RES, "reference-forcefield.json.gz")
SYSTEMS = os.path.join(REPO, "bg", "src", "main", "resources", "org", "boltzmann4j", "bg", "systems")
SEED = 20261201
CONFIGS = 3
SIGMA_NM = 0.005

SOLVENT_FILES = {"vacuum": [], "amber99_obc": ["amber99_obc.xml"], "obc1": ["implicit/obc1.xml"],
                 "obc2": ["implicit/obc2.xml"], "gbn2": ["implicit/gbn2.xml"], "gbsa-obc2": []}
SETUPS = [("amber99sbildn", s) for s in ("vacuum", "amber99_obc")] + \
         [("amber14-all", s) for s in ("vacuum", "obc1", "obc2", "gbn2", "gbsa-obc2")]
METHODS = {"nocutoff": app.NoCutoff, "cutoff-nonperiodic": app.CutoffNonPeriodic}
CUTOFF_NM = 2.0


def make_structures():
    os.makedirs(STRUCTURES, exist_ok=True)
    for name in ("aldp-vacuum", "pro-dipeptide-vacuum"):
        pdb = app.PDBFile(os.path.join(SYSTEMS, name + ".pdb"))
        write(os.path.join(STRUCTURES, name + ".pdb"), pdb.topology, pdb.positions)
    pdb = app.PDBFile(os.path.join(os.path.dirname(app.__file__), "data", "test.pdb"))
    m = app.Modeller(pdb.topology, pdb.positions)
    m.deleteWater()
    m.delete([r for r in m.topology.residues() if r.name == "Cl"])
    write(os.path.join(STRUCTURES, "villin.pdb"), m.topology, m.positions)


def write(path, topology, positions):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        # writeModel + END, not writeFile: writeHeader would stamp today's date.
        app.PDBFile.writeModel(topology, positions, f)
        app.PDBFile.writeFooter(topology, f)
    os.replace(tmp, path)


def system_for(topology, forcefield, solvent, method):
    ff = app.ForceField(forcefield + ".xml", *SOLVENT_FILES[solvent])
    system = ff.createSystem(topology, nonbondedMethod=METHODS[method], nonbondedCutoff=CUTOFF_NM * unit.nanometer,
                             constraints=None, rigidWater=False, removeCMMotion=True)
    if solvent == "gbsa-obc2":
        nonbonded = [f for f in system.getForces() if isinstance(f, openmm.NonbondedForce)][0]
        gb = openmm.GBSAOBCForce()
        gb.setSoluteDielectric(1.0)
        gb.setSolventDielectric(78.5)
        for i, p in enumerate(customgbforces.GBSAOBC2Force.getStandardParameters(topology)):
            charge = nonbonded.getParticleParameters(i)[0]
            gb.addParticle(charge, p[0], p[1])
        if method == "cutoff-nonperiodic":
            gb.setNonbondedMethod(openmm.GBSAOBCForce.CutoffNonPeriodic)
            gb.setCutoffDistance(CUTOFF_NM)
        system.addForce(gb)
        nonbonded.setReactionFieldDielectric(1.0)
    for i, f in enumerate(system.getForces()):
        f.setForceGroup(i)
    return system


def evaluate(system, configs):
    integrator = openmm.VerletIntegrator(0.001)
    context = openmm.Context(system, integrator, openmm.Platform.getPlatformByName("Reference"))
    groups = range(system.getNumForces())
    energies, group_energies, forces = [], [], []
    for k, x in enumerate(configs):
        context.setPositions(x.reshape(-1, 3))
        state = context.getState(getEnergy=True, getForces=True)
        energies.append(state.getPotentialEnergy().value_in_unit(unit.kilojoule_per_mole))
        if k == 1:
            # 12 significant digits: far below the 1e-9 (relative to the largest force) the test asks.
            forces = [float("%.12g" % v) for v in np.asarray(state.getForces(asNumpy=True).value_in_unit(
                unit.kilojoule_per_mole / unit.nanometer)).reshape(-1)]
        group_energies.append([context.getState(getEnergy=True, groups={g}).getPotentialEnergy()
                               .value_in_unit(unit.kilojoule_per_mole) for g in groups])
    del context
    return energies, group_energies, forces


def main():
    make_structures()
    files = sorted(glob.glob(os.path.join(STRUCTURES, "*.pdb")))
    files += sorted(glob.glob(os.path.join(PEPTIDES, "*.pdb")))
    rng = np.random.RandomState(SEED)
    structures, setups = {}, []
    peptide = 0
    for path in files:
        name = os.path.relpath(path, RES)
        pdb = app.PDBFile(path)
        x0 = np.asarray(pdb.getPositions(asNumpy=True).value_in_unit(unit.nanometer)).reshape(-1)
        # Rounded to 1e-6 nm so that the file holds exactly the coordinates evaluated, in few digits.
        configs = [np.round(x0 + (0 if k == 0 else rng.normal(0.0, SIGMA_NM, x0.shape)), 6) for k in range(CONFIGS)]
        structures[name] = {"atoms": pdb.topology.getNumAtoms(), "configs_nm": [c.tolist() for c in configs]}
        is_peptide = name.startswith("peptides/")
        index = 0
        for forcefield, solvent in SETUPS:
            for method in METHODS:
                system = system_for(pdb.topology, forcefield, solvent, method)
                energies, group_energies, forces = evaluate(system, configs)
                if is_peptide:
                    keep = index in (peptide % 14, (peptide + 7) % 14)
                else:
                    keep = "villin" not in name or index % 2 == 0
                setups.append({"structure": name, "forcefield": forcefield, "solvent": solvent, "nonbonded": method,
                               "cutoff_nm": CUTOFF_NM,
                               "forces": [type(f).__name__ for f in system.getForces()],
                               "energies_kjmol": energies, "group_energies_kjmol": group_energies,
                               "forces_config": 1 if keep else None, "forces_kjmol_nm": forces if keep else None})
                index += 1
        peptide += 1 if is_peptide else 0
        print(name, pdb.topology.getNumAtoms(), "atoms")
    tmp = OUT + ".tmp"
    with gzip.GzipFile(tmp, "wb", mtime=0) as raw, io.TextIOWrapper(raw, "ascii") as f:
        json.dump({"seed": SEED, "sigma_nm": SIGMA_NM, "structures": structures, "setups": setups}, f,
                  separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, OUT)
    print("wrote", OUT, os.path.getsize(OUT), "bytes,", len(setups), "set-ups")


if __name__ == "__main__":
    main()
