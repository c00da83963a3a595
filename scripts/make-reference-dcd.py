#!/usr/bin/python3
"""Make reference DCD trajectories written by OpenMM, and check DCD files written by others.

Two modes.

write (the default, also when run with no arguments):

    /usr/bin/python3 scripts/make-reference-dcd.py [write]

  makes, in bg/src/test/resources/reference/dcd/:

    openmm-written.dcd               7 frames of aldp-implicit (22 atoms), written with
                                     openmm.app.DCDFile (the writer behind DCDReporter);
                                     the topology has no periodic box, so the file has
                                     no unit cell records (header flag icntrl[10] = 0)
    openmm-written-positions.npy     (7, 22, 3) float64, the exact positions given to the
                                     writer, nm (the file holds them as float32 Angstrom)
    openmm-written-box.dcd           7 other frames, with a periodic box on the topology,
                                     so every frame starts with a 48-byte unit cell record
                                     (header flag icntrl[10] = 1)
    openmm-written-box-positions.npy (7, 22, 3) float64, nm
    openmm-written-box-vectors.npy   (7, 3, 3) float64, the box vectors of each frame, nm
                                     (rows a, b, c): cubes of edge 3.0 + 0.1 * frame nm,
                                     passed per frame to DCDFile.writeModel, so a reader
                                     that reads only the first cell is caught

  The positions are the bundled aldp-implicit.pdb positions plus Gaussian noise with
  sigma 0.02 nm from numpy.random.default_rng(7) (the box file takes the next 7 draws).
  DCDFile is called with dt = 0.002 ps, firstStep = 1000, interval = 500.

  Determinism: DCDFile writes the current local time into the second 80-character title
  line. To make the files reproducible, the `time` module seen by openmm.app.dcdfile is
  replaced while writing by one whose clock reads 0 in UTC, so that line always reads
  "Created Thu Jan  1 00:00:00 1970". Every other byte is OpenMM's own output.

check:

    /usr/bin/python3 scripts/make-reference-dcd.py check FILE.dcd EXPECTED.npy

  reads FILE.dcd (with mdtraj when it is installed, otherwise with the small pure-numpy
  reader below, which follows the CHARMM/NAMD layout: Fortran records with 4-byte length
  markers; an 84-byte header record starting with 'CORD' whose first int is the number
  of frames and whose icntrl[10] says whether frames carry a unit cell; a title record;
  a natom record; then per frame an optional 48-byte unit cell record of 6 float64 and
  X, Y, Z records of natom float32, in Angstrom), checks that the frame count in the
  header equals the number of frames in the file, and compares the coordinates with
  EXPECTED.npy (frames, atoms, 3) in nm, within float32 rounding (atol 1e-5 nm). Prints
  one line of JSON {"frames": .., "atoms": .., "max_abs_err_nm": .., "ok": true/false,
  "reader": "mdtraj"|"numpy", "header_frames": .., "has_unit_cell": ..} (plus "error"
  when the file cannot be read) and exits 0 when ok, 1 otherwise, 2 on bad usage.

Runs in well under a second.
"""

import json
import os
import struct
import sys
import tempfile
import time as _time_module

import numpy as np

SEED = 7
N_FRAMES = 7
SIGMA_NM = 0.02
ATOL_NM = 1e-5

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SYSTEMS_DIR = os.path.join(REPO, "bg", "src", "main", "resources", "org", "boltzmann4j", "bg", "systems")
OUT_DIR = os.path.join(REPO, "bg", "src", "test", "resources", "reference", "dcd")


# ----------------------------------------------------------------------------- write mode

class _EpochClock:
    """Stands in for the `time` module inside openmm.app.dcdfile: the clock reads 0, UTC."""

    @staticmethod
    def time():
        return 0.0

    @staticmethod
    def localtime(seconds=None):
        return _time_module.gmtime(0)

    @staticmethod
    def asctime(t):
        return _time_module.asctime(t)


def _save_npy(path, array):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".npy")
    with os.fdopen(fd, "wb") as f:
        np.save(f, np.ascontiguousarray(array, dtype="<f8"))
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _write_dcd(path, topology, frames, boxes=None):
    import openmm.app.dcdfile as dcdmodule
    from openmm import Vec3
    from openmm.app import DCDFile
    from openmm.unit import nanometer, picosecond

    real_time = dcdmodule.time
    dcdmodule.time = _EpochClock
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".dcd")
    try:
        with os.fdopen(fd, "w+b") as f:
            dcd = DCDFile(f, topology, 0.002 * picosecond, firstStep=1000, interval=500)
            for k, frame in enumerate(frames):
                positions = [Vec3(*map(float, xyz)) for xyz in frame] * nanometer
                if boxes is None:
                    dcd.writeModel(positions)
                else:
                    vectors = tuple(Vec3(*map(float, row)) for row in boxes[k]) * nanometer
                    dcd.writeModel(positions, periodicBoxVectors=vectors)
    finally:
        dcdmodule.time = real_time
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def write():
    from openmm.app import PDBFile
    from openmm.unit import nanometer

    os.makedirs(OUT_DIR, exist_ok=True)
    pdb = PDBFile(os.path.join(SYSTEMS_DIR, "aldp-implicit.pdb"))
    base = np.array(pdb.getPositions(asNumpy=True).value_in_unit(nanometer), dtype=np.float64)
    rng = np.random.default_rng(SEED)
    frames = base[None] + SIGMA_NM * rng.standard_normal((N_FRAMES,) + base.shape)
    frames_box = base[None] + SIGMA_NM * rng.standard_normal((N_FRAMES,) + base.shape)
    edges = 3.0 + 0.1 * np.arange(N_FRAMES)
    boxes = np.zeros((N_FRAMES, 3, 3))
    for k in range(N_FRAMES):
        boxes[k] = np.eye(3) * edges[k]

    topology = pdb.topology
    if topology.getPeriodicBoxVectors() is not None:
        raise SystemExit("FAIL: aldp-implicit.pdb unexpectedly has a periodic box (CRYST1)")
    _write_dcd(os.path.join(OUT_DIR, "openmm-written.dcd"), topology, frames)
    _save_npy(os.path.join(OUT_DIR, "openmm-written-positions.npy"), frames)

    from openmm import Vec3
    topology.setPeriodicBoxVectors((Vec3(3.0, 0, 0), Vec3(0, 3.0, 0), Vec3(0, 0, 3.0)) * nanometer)
    _write_dcd(os.path.join(OUT_DIR, "openmm-written-box.dcd"), topology, frames_box, boxes)
    _save_npy(os.path.join(OUT_DIR, "openmm-written-box-positions.npy"), frames_box)
    _save_npy(os.path.join(OUT_DIR, "openmm-written-box-vectors.npy"), boxes)

    # Read our own files back with the check reader, as a self-test of both.
    for stem in ("openmm-written", "openmm-written-box"):
        result = check(os.path.join(OUT_DIR, stem + ".dcd"),
                       os.path.join(OUT_DIR, stem + "-positions.npy"), use_mdtraj=False)
        print(stem + ".dcd: " + json.dumps(result))
        if not result["ok"]:
            raise SystemExit("FAIL: %s.dcd does not read back" % stem)
        cells = read_dcd_numpy(os.path.join(OUT_DIR, stem + ".dcd"))[1]
        if stem.endswith("box"):
            expected = np.column_stack([edges * 10.0, np.zeros(N_FRAMES), edges * 10.0,
                                        np.zeros(N_FRAMES), np.zeros(N_FRAMES), edges * 10.0])
            if cells is None or not np.allclose(cells, expected, atol=1e-9):
                raise SystemExit("FAIL: unit cells in %s.dcd are not the boxes written" % stem)
        elif cells is not None:
            raise SystemExit("FAIL: %s.dcd has unit cell records" % stem)


# ----------------------------------------------------------------------------- check mode

class DcdError(Exception):
    pass


def _record(data, offset, endian, expected_length=None):
    """One Fortran record at offset: returns (payload bytes, next offset)."""
    if offset + 4 > len(data):
        raise DcdError("truncated record marker at byte %d" % offset)
    (length,) = struct.unpack_from(endian + "i", data, offset)
    if expected_length is not None and length != expected_length:
        raise DcdError("record at byte %d has length %d, expected %d" % (offset, length, expected_length))
    end = offset + 4 + length
    if length < 0 or end + 4 > len(data):
        raise DcdError("truncated record at byte %d (length %d)" % (offset, length))
    (trailer,) = struct.unpack_from(endian + "i", data, end)
    if trailer != length:
        raise DcdError("record at byte %d: end marker %d differs from start marker %d" % (offset, trailer, length))
    return data[offset + 4:end], end + 4


def read_dcd_numpy(path):
    """Read a CHARMM/NAMD DCD file: (coordinates in Angstrom (frames, atoms, 3) float32,
    unit cells (frames, 6) float64 or None, header frame count)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise DcdError("file too short for a DCD header")
    if struct.unpack_from("<i", data, 0)[0] == 84:
        endian = "<"
    elif struct.unpack_from(">i", data, 0)[0] == 84:
        endian = ">"
    else:
        raise DcdError("first record length is not 84: not a DCD file with 32-bit record markers")
    header, offset = _record(data, 0, endian, 84)
    if header[:4] != b"CORD":
        raise DcdError("header does not start with 'CORD'")
    icntrl = struct.unpack_from(endian + "20i", header, 4)
    header_frames = icntrl[0]
    has_cell = icntrl[10] != 0
    has_4d = icntrl[11] != 0
    _, offset = _record(data, offset, endian)                      # title block
    natom_rec, offset = _record(data, offset, endian, 4)
    (natom,) = struct.unpack_from(endian + "i", natom_rec, 0)
    if icntrl[8] != 0:
        raise DcdError("fixed atoms (icntrl[8] = %d) are not supported" % icntrl[8])
    xyz = []
    cells = []
    while offset < len(data):
        if has_cell:
            cell, offset = _record(data, offset, endian, 48)
            cells.append(struct.unpack(endian + "6d", cell))
        frame = np.empty((natom, 3), dtype=np.float32)
        for axis in range(3):
            rec, offset = _record(data, offset, endian, 4 * natom)
            frame[:, axis] = np.frombuffer(rec, dtype=endian + "f4")
        if has_4d:
            _, offset = _record(data, offset, endian, 4 * natom)
        xyz.append(frame)
    coords = np.array(xyz, dtype=np.float32).reshape(len(xyz), natom, 3)
    return coords, (np.array(cells) if has_cell else None), header_frames


def _header_frames(path):
    with open(path, "rb") as f:
        head = f.read(12)
    endian = "<" if struct.unpack_from("<i", head, 0)[0] == 84 else ">"
    return struct.unpack_from(endian + "i", head, 8)[0]


def check(dcd_path, expected_path, use_mdtraj=True):
    result = {"frames": 0, "atoms": 0, "max_abs_err_nm": None, "ok": False}
    try:
        expected = np.load(expected_path)
        reader = "numpy"
        mdtraj = None
        if use_mdtraj:
            try:
                import mdtraj
            except ImportError:
                mdtraj = None
        if mdtraj is not None:
            reader = "mdtraj"
            with mdtraj.formats.DCDTrajectoryFile(dcd_path, "r") as f:
                xyz_angstrom, cell_lengths, _ = f.read()
            coords_nm = np.asarray(xyz_angstrom, dtype=np.float64) / 10.0
            has_cell = cell_lengths is not None
            header_frames = _header_frames(dcd_path)
        else:
            coords, cells, header_frames = read_dcd_numpy(dcd_path)
            coords_nm = coords.astype(np.float64) / 10.0
            has_cell = cells is not None
        result.update({"frames": int(coords_nm.shape[0]), "atoms": int(coords_nm.shape[1]),
                       "reader": reader, "header_frames": int(header_frames), "has_unit_cell": bool(has_cell)})
        problems = []
        if header_frames != coords_nm.shape[0]:
            problems.append("header says %d frames, file holds %d" % (header_frames, coords_nm.shape[0]))
        if coords_nm.shape != expected.shape:
            problems.append("coordinates have shape %s, expected %s" % (coords_nm.shape, expected.shape))
        else:
            err = float(np.max(np.abs(coords_nm - expected))) if coords_nm.size else 0.0
            result["max_abs_err_nm"] = err
            if not err <= ATOL_NM:
                problems.append("max abs error %.3g nm exceeds %.0e nm" % (err, ATOL_NM))
        result["ok"] = not problems
        if problems:
            result["error"] = "; ".join(problems)
    except (DcdError, OSError, ValueError) as e:
        result["error"] = "%s: %s" % (dcd_path, e)
    return result


def main(argv):
    if len(argv) == 0 or argv == ["write"]:
        write()
        return 0
    if len(argv) == 3 and argv[0] == "check":
        result = check(argv[1], argv[2])
        print(json.dumps(result))
        return 0 if result["ok"] else 1
    print("usage: make-reference-dcd.py [write] | check FILE.dcd EXPECTED.npy", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
