#!/usr/bin/python3
"""Write the GBn2 neck-integral tables that bg's force-field code reads.

GBn2 (Nguyen, Roe and Simmerling 2013, Amber igb=8) approximates the neck between two atoms
with tabulated integrals d0 (neck position) and m0 (neck height) on a 21 x 21 grid of the two
atoms' radii, 1.0 to 2.0 Angstrom in steps of 0.05 (Mongan, Simmerling, McCammon, Case and
Onufriev 2007). OpenMM's Python layer keeps them in openmm.app.internal.customgbforces, already
rescaled to nm (d0 / 10) and nm^-1 (m0 * 10); this script copies those values (published data)
from the installed OpenMM, so that the Java code reads the same doubles without Python.

Output: bg/src/main/resources/org/boltzmann4j/bg/forcefield/gbn2-neck-tables.txt, two lines
("d0 v1 v2 ... v441", "m0 ..."), each value as Python's repr (it reads back to the same double).

Run from the repository root with Debian's OpenMM:  /usr/bin/python3 scripts/make-gbn2-tables.py
"""
import os

from openmm.app.internal import customgbforces

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(REPO, "bg", "src", "main", "resources", "org", "boltzmann4j", "bg", "forcefield",
                   "gbn2-neck-tables.txt")


def main():
    d0, m0 = customgbforces.d0, customgbforces.m0
    if len(d0) != 441 or len(m0) != 441:
        raise SystemExit("expected 21 x 21 tables, got %d and %d values" % (len(d0), len(m0)))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        f.write("# GBn2 neck integrals (Mongan et al. 2007) from OpenMM's customgbforces, "
                "d0 in nm, m0 in 1/nm; made by scripts/make-gbn2-tables.py\n")
        f.write("d0 " + " ".join(repr(float(v)) for v in d0) + "\n")
        f.write("m0 " + " ".join(repr(float(v)) for v in m0) + "\n")
    os.replace(tmp, OUT)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
