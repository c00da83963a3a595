#!/usr/bin/python3
"""Make the test peptides: structures built by `bg build` for the force-field and peptide tests.

What it makes, in bg/src/test/resources/org/boltzmann4j/bg/forcefield/peptides/:
  NAME.pdb        structure.pdb of `bg build --sequence SEQ --termini T --seed S` for each peptide
  peptides.json   the list: name, sequence, termini, seed, atom count, and what OpenMM Python
                  said of the file: accepted (PDBFile read it and ForceField('amber14-all.xml')
                  .createSystem made a System of the same atom count), its version

The sequences (seeded, so the same list every run): 16 zwitterionic and 8 capped dipeptides
drawn at random from the 400 ordered pairs of standard residues (no zwitterion starts with PRO,
as in the Timewarp data), ACE-ALA-NME, ACE-TRP-NME and ACE-PRO-NME, and 13 longer
peptides of 3 to 10 residues (three that together hold every amino acid, HID-ALA-HIP, poly-Gly,
poly-Ala and seeded random ones); 40 in all.

How to run (from the repository root, after building the Java modules; needs Debian's OpenMM
for /usr/bin/python3):
    /usr/bin/python3 scripts/make-test-peptides.py
BG names the command that runs the command line (default scripts/bg), e.g.
    BG="java --enable-native-access=ALL-UNNAMED -cp bg/target/classes:... org.boltzmann4j.bg.cli.Main"
Exits non-zero if bg build fails or OpenMM refuses a structure.
"""
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out_dir = os.path.join(root, "bg/src/test/resources/org/boltzmann4j/bg/forcefield/peptides")
bg = shlex.split(os.environ.get("BG", os.path.join(root, "scripts/bg")))

ONE = "ACDEFGHIKLMNPQRSTVWY"
THREE = dict(A="ALA", C="CYS", D="ASP", E="GLU", F="PHE", G="GLY", H="HIE", I="ILE", K="LYS", L="LEU",
             M="MET", N="ASN", P="PRO", Q="GLN", R="ARG", S="SER", T="THR", V="VAL", W="TRP", Y="TYR")


def sequences():
    rng = random.Random(20261201)
    pairs = [a + b for a in ONE for b in ONE]
    zwitterion = [p for p in pairs if p[0] != "P"]
    chosen = []
    for p in rng.sample(zwitterion, 16):
        chosen.append((p, p, "zwitterion"))
    for p in rng.sample(pairs, 8):
        chosen.append(("ACE-" + THREE[p[0]] + "-" + THREE[p[1]] + "-NME", "ACE-" + p + "-NME", "capped"))
    chosen.append(("ACE-ALA-NME", "ACE-A-NME", "capped"))
    chosen.append(("ACE-TRP-NME", "ACE-W-NME", "capped"))
    chosen.append(("ACE-PRO-NME", "ACE-P-NME", "capped"))
    # Longer peptides: every residue at least once, HID and HIP once each.
    letters = list(ONE)
    rng.shuffle(letters)
    longer = ["".join(letters[0:6]), "".join(letters[6:13]), "".join(letters[13:20])]
    for seq in longer:
        chosen.append((seq, seq, "zwitterion"))
    chosen.append(("HID-ALA-HIP", "HID-A-HIP", "zwitterion"))
    chosen.append(("ACE-" + "-".join(THREE[c] for c in "KTIDW") + "-NME", "ACE-KTIDW-NME", "capped"))
    for n in (3, 4, 5, 8, 9, 10):
        seq = "".join(rng.choice(ONE) for _ in range(n))
        chosen.append((seq, seq, "zwitterion"))
    chosen.append(("GGGGGGGGGG", "GGGGGGGGGG", "zwitterion"))
    chosen.append(("ACE-" + "-".join(THREE[c] for c in "AAAAAAAAAA") + "-NME", "ACE-AAAAAAAAAA-NME", "capped"))
    return chosen


def main():
    from openmm import Platform, version
    from openmm.app import ForceField, NoCutoff, PDBFile

    forcefield = ForceField("amber14-all.xml")
    entries = []
    made = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k, (seq, name, termini) in enumerate(sequences()):
            seed = 100 + k
            work = os.path.join(tmp, name)
            cmd = bg + ["build", "--sequence", seq, "--termini", termini, "--seed", str(seed), "--out", work]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit("FAIL: %s: %s" % (" ".join(cmd[-8:]), done.stderr.strip()))
            pdb_path = os.path.join(work, "structure.pdb")
            pdb = PDBFile(pdb_path)
            system = forcefield.createSystem(pdb.topology, nonbondedMethod=NoCutoff)
            atoms = pdb.topology.getNumAtoms()
            if system.getNumParticles() != atoms:
                sys.exit("FAIL: %s: System has %d particles, the PDB %d atoms" % (name, system.getNumParticles(), atoms))
            file = name + ".pdb"
            with open(pdb_path) as src:
                made[file] = src.read()
            entries.append(dict(name=name, sequence=seq, termini=termini, seed=seed, file=file, atoms=atoms,
                                openmm_accepted=True))
            print("%-22s %-10s %3d atoms: OpenMM PDBFile + ForceField('amber14-all.xml') accept it" % (name, termini, atoms))
    # Only a complete, checked set replaces the old one.
    os.makedirs(out_dir, exist_ok=True)
    for old in os.listdir(out_dir):
        if old.endswith(".pdb"):
            os.remove(os.path.join(out_dir, old))
    for file, text in made.items():
        with open(os.path.join(out_dir, file), "w") as dst:
            dst.write(text)
    index = dict(made_by="scripts/make-test-peptides.py", openmm_version=version.version,
                 openmm_check="PDBFile(file) then ForceField('amber14-all.xml').createSystem(topology, nonbondedMethod=NoCutoff)",
                 peptides=entries)
    with open(os.path.join(out_dir, "peptides.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")
    print("%d peptides -> %s" % (len(entries), out_dir))


if __name__ == "__main__":
    main()
