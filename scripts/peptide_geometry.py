"""Geometry shared by the reference-data scripts (make-reference-dihedrals.py,
make-reference-df.py): dihedral angles, the atoms on one side of a bond, rotations about an axis.
Imported from the scripts' own folder; not a script itself."""
import math

import numpy as np


def dihedral(p0, p1, p2, p3):
    """Dihedral angle(s) in radians on (-pi, pi] of four points, IUPAC sign convention; works on
    single points (3,) and on stacks (..., 3)."""
    b0 = p0 - p1
    b1 = p2 - p1
    b2 = p3 - p2
    b1 = b1 / np.linalg.norm(b1, axis=-1, keepdims=True)
    v = b0 - np.sum(b0 * b1, axis=-1, keepdims=True) * b1
    w = b2 - np.sum(b2 * b1, axis=-1, keepdims=True) * b1
    x = np.sum(v * w, axis=-1)
    y = np.sum(np.cross(b1, v) * w, axis=-1)
    angle = np.arctan2(y, x)
    return np.where(angle <= -np.pi, angle + 2.0 * np.pi, angle)


def side_of_bond(topology, fixed, moving):
    """Atoms connected to `moving` once the bond fixed-moving is cut (includes `moving`)."""
    neighbours = {a.index: set() for a in topology.atoms()}
    for a, b in topology.bonds():
        neighbours[a.index].add(b.index)
        neighbours[b.index].add(a.index)
    seen = {moving}
    stack = [moving]
    while stack:
        i = stack.pop()
        for j in neighbours[i]:
            if (i, j) in ((moving, fixed), (fixed, moving)) or j in seen:
                continue
            seen.add(j)
            stack.append(j)
    if fixed in seen:
        raise SystemExit("FAIL: the bond %d-%d is in a ring; cannot rotate about it" % (fixed, moving))
    return sorted(seen)


def rotate(points, origin, axis, angle):
    """Rotate points (n, 3) by angle (radians, right-handed) about the axis through origin."""
    k = axis / np.linalg.norm(axis)
    p = points - origin
    rotated = (p * math.cos(angle) + np.cross(k, p) * math.sin(angle)
               + np.outer(p @ k, k) * (1.0 - math.cos(angle)))
    return rotated + origin
