#!/usr/bin/python3
"""Reference dF(phi > 0 vs phi <= 0) of alanine dipeptide (amber99sbildn + OBC, 300 K) by
two independent well-tempered metadynamics runs in (phi, psi).

What it computes
----------------
    dF = -kT ln( P(phi > 0) / P(phi <= 0) )      in units of kT, T = 300 K,

for the bundled system bg/src/main/resources/org/boltzmann4j/bg/systems/aldp-implicit.xml
(22 atoms, NoCutoff, no constraints) with start structure aldp-implicit.pdb beside it.
phi = C(ACE)-N-CA-C = atoms (4, 6, 8, 10), psi = N-CA-C-N(NME) = atoms (6, 8, 10, 16), 0-based.
Output: scripts/reference/aldp-implicit-300k-df.json (written atomically: temp file + rename).

Why metadynamics in (phi, psi)
------------------------------
Plain 300 K MD of this system never crosses to phi > 0 in tens of ns, and umbrella sampling
along phi alone gave anything from 3.0 to 5.6 kT because psi relaxes slowly near the
phi ~ 120 degree barrier (the project's design notes on alanine dipeptide; BENCHMARKS.md,
"Reference dF for alanine dipeptide").  Well-tempered metadynamics biases phi and psi jointly, so both slow angles are
sampled; two runs from different basins with different seeds check each other.

Simulation (each run)
---------------------
* OpenMM 7.7 (Debian's, for /usr/bin/python3), platform Reference by default (measured on
  the 2-core box: Reference ~16k steps/s alone, CPU platform with Threads=1 ~1.3k steps/s,
  because of per-step overhead of the CPU platform and the CustomCVForce's inner context for
  a 22-atom system).
* LangevinMiddleIntegrator, 300 K, friction 1/ps, time step 1 fs (no constraints, so 1 fs).
  The kinetic temperature is checked (66 degrees of freedom; no constraints, no
  CMMotionRemover in the system).
* openmm.app.Metadynamics with two periodic BiasVariables (CustomTorsionForce "theta") on
  [-pi, pi], Gaussian width sigma = 0.35 rad, grid 73 x 73 points (5 degree spacing; the
  last point duplicates the first because OpenMM's periodic table includes both ends),
  initial hill height 1.0 kJ/mol, a hill every 500 steps (0.5 ps), bias factor gamma = 8
  (CVs sampled as if at 2400 K).
* Run A starts from the PDB structure (C7eq, phi < 0); run B from the PDB structure with
  phi rotated to +60 degrees (atoms on the CA side of the N-CA bond turned about that bond)
  and energy-minimised (alpha_L / C7ax side, phi > 0).  Seeds are --seed and --seed + 1
  (integrator random numbers and initial velocities).
* Every 250 steps (0.25 ps) a frame is recorded: phi, psi, the bias energy V(s, t) actually
  applied (energy of the metadynamics force group) and c(t) of the current bias.

Estimates per run
-----------------
1. dF_kt_surface: the final free-energy surface of well-tempered metadynamics,
   F(phi, psi) = -((T + dT) / dT) V(phi, psi) with dT = (gamma - 1) T, i.e.
   F = -gamma/(gamma - 1) V, integrated as exp(-F/kT) over the periodic 72 x 72 grid
   (duplicate end row/column dropped).  Grid columns exactly on the boundaries phi = 0 and
   phi = +-pi count half to each side (trapezoid rule on the torus).  Also given as a history
   (every 0.5 ns) to show convergence.
2. dF_kt_reweighted: frames from the second half of the run, reweighted with the
   time-dependent bias (Tiwary & Parrinello, J. Phys. Chem. B 119, 736 (2015)):
       w = exp( (V(s(t), t) - c(t)) / kT ),
       c(t) = kT ln[ int ds exp(gamma/(gamma-1) V(s,t)/kT) / int ds exp(V(s,t)/((gamma-1) kT)) ]
   (integrals on the grid).  P(phi > 0) = sum of w over frames with phi > 0 / sum of w.
   Block error: the second half split into 5 contiguous blocks, dF per block, standard error
   of the mean (std / sqrt(5)).
3. dF_kt_final_bias (a check): the same frames reweighted with the final bias only,
   w = exp(V_final(s)/kT), V_final bilinearly interpolated on the grid.  Valid when the bias
   changes little over the second half (it should, with gamma = 8, after the filling phase).

Combined value and uncertainty (rule fixed before looking at the numbers)
--------------------------------------------------------------------------
    delta_f_kt     = mean of the four estimates (2 runs x {surface, c(t)-reweighted})
    uncertainty_kt = half the range of those four  +  sqrt(be_A^2 + be_B^2) / 2
where be_X is the block standard error of run X's reweighted estimate.  If the two runs'
estimates (either method) differ by more than 0.5 kT, the agreement_note says so and the
value must not be used as a reference.

How to run (from the repository root; the defaults took 17.5 minutes of wall time on the
shared 2-core machine: two runs in parallel processes, one core each)
--------------------------------------------------------------------------------------
    nice -n 19 /usr/bin/python3 scripts/make-reference-df.py [--ns 12] [--seed 1]
        [--max-wall-minutes 25] [--save-dir DIR] [--out PATH]
        [--bias-factor 8] [--sigma 0.35] [--height 1.0]

The last three change the metadynamics parameters (for robustness checks; write those to
another --out, the reference file is made with the defaults).

--ns is the length of each run; --max-wall-minutes stops each run early (at a hill
boundary) if the machine is slower than expected; the JSON records the ns actually run.
Each worker lowers its own priority to nice 19 in any case.  --save-dir writes the raw
frames and final bias grids (npz) for inspection; they are not part of the reference.
Wall time scales with --ns: about 0.35-0.9 ns per minute per run on this box depending on
other load.
"""

import argparse
import datetime
import json
import math
import multiprocessing
import os
import sys
import tempfile
import time

import numpy as np
import openmm
from openmm import app, unit

from peptide_geometry import dihedral, rotate, side_of_bond

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SYSTEMS = os.path.join(REPO, "bg", "src", "main", "resources", "org", "boltzmann4j", "bg", "systems")
XML_PATH = os.path.join(SYSTEMS, "aldp-implicit.xml")
PDB_PATH = os.path.join(SYSTEMS, "aldp-implicit.pdb")
OUT_PATH = os.path.join(REPO, "scripts", "reference", "aldp-implicit-300k-df.json")

PHI_ATOMS = (4, 6, 8, 10)
PSI_ATOMS = (6, 8, 10, 16)
TEMPERATURE_K = 300.0
FRICTION_PER_PS = 1.0
STEP_FS = 1.0
SIGMA_RAD = 0.35
GRID = 73
HEIGHT_KJ = 1.0
PACE = 500
BIAS_FACTOR = 8.0
RECORD_EVERY = 250
N_BLOCKS = 5
KT = (unit.MOLAR_GAS_CONSTANT_R * TEMPERATURE_K * unit.kelvin).value_in_unit(unit.kilojoule_per_mole)


# ---------------------------------------------------------------------------------------
# geometry


def phi_rotated(topology, positions, target_rad):
    """The structure with phi set to target_rad by turning the CA side about N-CA."""
    _, n, ca, _ = PHI_ATOMS
    moving = side_of_bond(topology, n, ca)
    current = dihedral(*(positions[i] for i in PHI_ATOMS))
    out = positions.copy()
    out[moving] = rotate(positions[moving], positions[n], positions[ca] - positions[n], target_rad - current)
    return out


# ---------------------------------------------------------------------------------------
# grid analysis (bias arrays from Metadynamics are indexed [psi, phi], GRID x GRID, with the
# last row/column duplicating the first)


def grid_axis():
    return np.linspace(-np.pi, np.pi, GRID)[:-1]  # periodic points, spacing 2 pi / (GRID - 1)


def phi_side_weights():
    """Per phi-column weights (w_pos, w_neg): 1/0, 0/1, or 1/2 on the boundaries 0 and +-pi."""
    x = grid_axis()
    tol = 1e-9
    pos = np.where(x > tol, 1.0, 0.0)
    on_boundary = (np.abs(x) < tol) | (np.abs(np.abs(x) - np.pi) < tol)
    pos[on_boundary] = 0.5
    return pos, 1.0 - pos


def logsumexp(a, weights=None):
    a = np.asarray(a, dtype=np.float64)
    m = np.max(a)
    if weights is None:
        return m + math.log(np.sum(np.exp(a - m)))
    s = np.sum(weights * np.exp(a - m))
    return m + math.log(s) if s > 0 else -math.inf


def df_from_bias_grid(bias_kj):
    """dF (kT) from a well-tempered bias grid: F = -gamma/(gamma-1) V."""
    v = np.asarray(bias_kj)[:-1, :-1]
    f_over_kt = -(BIAS_FACTOR / (BIAS_FACTOR - 1.0)) * v / KT
    wpos, wneg = phi_side_weights()
    ones = np.ones(v.shape[0])
    lp = logsumexp(-f_over_kt, np.outer(ones, wpos))
    ln = logsumexp(-f_over_kt, np.outer(ones, wneg))
    return -(lp - ln)


def c_of_t(bias_kj):
    """Tiwary-Parrinello c(t) in kJ/mol for the bias grid (kJ/mol)."""
    v = np.asarray(bias_kj)[:-1, :-1] / KT
    g = BIAS_FACTOR
    return KT * (logsumexp(g / (g - 1.0) * v) - logsumexp(v / (g - 1.0)))


def interp_bias(bias_kj, phi, psi):
    """Periodic bilinear interpolation of a bias grid at arrays phi, psi (radians)."""
    v = np.asarray(bias_kj)[:-1, :-1]
    n = v.shape[0]
    h = 2.0 * np.pi / n
    u = (np.asarray(phi) + np.pi) / h
    t = (np.asarray(psi) + np.pi) / h
    i0 = np.floor(u).astype(int)
    j0 = np.floor(t).astype(int)
    fu = u - i0
    ft = t - j0
    i0 %= n
    j0 %= n
    i1 = (i0 + 1) % n
    j1 = (j0 + 1) % n
    return ((1 - ft) * (1 - fu) * v[j0, i0] + (1 - ft) * fu * v[j0, i1]
            + ft * (1 - fu) * v[j1, i0] + ft * fu * v[j1, i1])


def df_from_weights(log_w, positive):
    lp = logsumexp(log_w[positive]) if np.any(positive) else -math.inf
    ln = logsumexp(log_w[~positive]) if np.any(~positive) else -math.inf
    if lp == -math.inf:
        return math.inf
    if ln == -math.inf:
        return -math.inf
    return -(lp - ln)


# ---------------------------------------------------------------------------------------
# one run


def torsion_cv(atoms):
    force = openmm.CustomTorsionForce("theta")
    force.addTorsion(*atoms, [])
    return force


def run_one(args):
    global BIAS_FACTOR, SIGMA_RAD, HEIGHT_KJ
    label, seed, start, ns, max_wall_s, platform_name, save_dir, (BIAS_FACTOR, SIGMA_RAD, HEIGHT_KJ) = args
    try:
        os.nice(max(0, 19 - os.nice(0)))
    except OSError:
        pass
    t0 = time.time()
    log = lambda msg: print("[run %s] %s" % (label, msg), file=sys.stderr, flush=True)

    with open(XML_PATH) as f:
        system = openmm.XmlSerializer.deserialize(f.read())
    pdb = app.PDBFile(PDB_PATH)
    positions = np.array(pdb.getPositions(asNumpy=True).value_in_unit(unit.nanometer))
    if start == "phi+60":
        positions = phi_rotated(pdb.topology, positions, math.radians(60.0))

    variables = [
        app.BiasVariable(torsion_cv(PHI_ATOMS), -np.pi, np.pi, SIGMA_RAD, True, GRID),
        app.BiasVariable(torsion_cv(PSI_ATOMS), -np.pi, np.pi, SIGMA_RAD, True, GRID),
    ]
    meta = app.Metadynamics(system, variables, TEMPERATURE_K * unit.kelvin, BIAS_FACTOR,
                            HEIGHT_KJ * unit.kilojoule_per_mole, PACE)
    bias_group = {meta._force.getForceGroup()}  # the force group Metadynamics chose for its bias
    integrator = openmm.LangevinMiddleIntegrator(TEMPERATURE_K * unit.kelvin, FRICTION_PER_PS / unit.picosecond,
                                                 STEP_FS * unit.femtosecond)
    integrator.setRandomNumberSeed(seed)
    platform = openmm.Platform.getPlatformByName(platform_name)
    props = {"Threads": "1"} if platform_name == "CPU" else {}
    sim = app.Simulation(pdb.topology, system, integrator, platform, props)
    sim.context.setPositions(positions)
    sim.minimizeEnergy(maxIterations=2000)
    start_cv = [float(x) for x in meta.getCollectiveVariables(sim)]
    log("start %s: phi %.1f psi %.1f deg after minimisation" % (start, math.degrees(start_cv[0]),
                                                                math.degrees(start_cv[1])))
    if (start == "phi+60") != (start_cv[0] > 0):
        raise SystemExit("FAIL: run %s start structure on the wrong phi side" % label)
    sim.context.setVelocitiesToTemperature(TEMPERATURE_K * unit.kelvin, seed)

    total_steps = int(round(ns * 1e6 / STEP_FS))
    total_steps -= total_steps % PACE
    n_rec_max = total_steps // RECORD_EVERY
    phi = np.empty(n_rec_max)
    psi = np.empty(n_rec_max)
    vbias = np.empty(n_rec_max)
    cvals = np.empty(n_rec_max)
    temps = []
    history = []
    dof = 3 * system.getNumParticles() - system.getNumConstraints()
    c_now = 0.0
    n_rec = 0
    steps_done = 0
    stopped_early = False
    history_every = int(0.5e6 / STEP_FS)
    while steps_done < total_steps:
        meta.step(sim, RECORD_EVERY)
        steps_done += RECORD_EVERY
        if steps_done % PACE == 0:
            c_now = c_of_t(meta._totalBias)  # the bias grid (kJ/mol) in force after this hill
        # the frame s(t) was sampled under the bias in force before this step's hill (if any);
        # the difference is one hill of <= 1 kJ/mol among thousands: negligible, but record the
        # applied bias and c(t) consistently for the same (current) grid.
        cv = meta.getCollectiveVariables(sim)
        phi[n_rec], psi[n_rec] = cv[0], cv[1]
        vbias[n_rec] = sim.context.getState(getEnergy=True, groups=bias_group).getPotentialEnergy().value_in_unit(
            unit.kilojoule_per_mole)
        cvals[n_rec] = c_now
        n_rec += 1
        if steps_done % 10000 == 0:
            ke = sim.context.getState(getEnergy=True).getKineticEnergy().value_in_unit(unit.kilojoule_per_mole)
            temps.append(2.0 * ke / (dof * unit.MOLAR_GAS_CONSTANT_R.value_in_unit(
                unit.kilojoule_per_mole / unit.kelvin)))
        if steps_done % history_every == 0:
            history.append([steps_done * STEP_FS * 1e-6, df_from_bias_grid(meta._totalBias)])
            log("%.1f ns, dF(surface) %.3f kT, phi>0 fraction so far %.3f, %.0f s"
                % (history[-1][0], history[-1][1], float(np.mean(phi[:n_rec] > 0)), time.time() - t0))
        if time.time() - t0 > max_wall_s and steps_done % PACE == 0:
            stopped_early = True
            log("wall-time limit reached at %.3f ns" % (steps_done * STEP_FS * 1e-6))
            break

    phi, psi, vbias, cvals = phi[:n_rec], psi[:n_rec], vbias[:n_rec], cvals[:n_rec]
    ns_done = steps_done * STEP_FS * 1e-6
    final_bias = np.array(meta._totalBias)

    # 1. final surface
    df_surface = df_from_bias_grid(final_bias)
    # 2. c(t) reweighting of the second half
    half = n_rec // 2
    ph, ps = phi[half:], psi[half:]
    log_w = (vbias[half:] - cvals[half:]) / KT
    positive = ph > 0
    df_rw = df_from_weights(log_w, positive)
    blocks = np.array_split(np.arange(len(ph)), N_BLOCKS)
    block_df = [df_from_weights(log_w[b], positive[b]) for b in blocks]
    finite = [x for x in block_df if math.isfinite(x)]
    block_se = float(np.std(finite, ddof=1) / math.sqrt(len(finite))) if len(finite) >= 2 else math.inf
    # 3. final-bias reweighting of the second half
    log_wf = interp_bias(final_bias, ph, ps) / KT
    df_fb = df_from_weights(log_wf, positive)
    # transitions between the phi < 0 basins and the phi > 0 (alpha_L / C7ax) basin in the
    # second half, with hysteresis (core regions 0.2 < phi < 2.0 and -2.9 < phi < -0.2 rad), so that
    # the frequent wrap-around crossings of phi = +-pi in the beta region are not counted
    transitions = 0
    state = 0
    for x in ph:
        s = 1 if 0.2 < x < 2.0 else (-1 if -2.9 < x < -0.2 else 0)
        if s != 0:
            if state != 0 and s != state:
                transitions += 1
            state = s

    if save_dir:
        os.makedirs(save_dir, exist_ok=True)
        np.savez(os.path.join(save_dir, "run-%s.npz" % label), phi=phi, psi=psi, vbias=vbias, c=cvals,
                 final_bias=final_bias, record_every=RECORD_EVERY)

    result = {
        "label": label,
        "seed": seed,
        "ns": round(ns_done, 4),
        "start": start,
        "start_phi_psi_deg": [round(math.degrees(x), 1) for x in start_cv],
        "stopped_early_by_wall_limit": stopped_early,
        "dF_kt_surface": df_surface,
        "dF_kt_reweighted": df_rw,
        "dF_kt_reweighted_block_se": block_se,
        "dF_kt_reweighted_blocks": block_df,
        "dF_kt_final_bias": df_fb,
        "dF_kt_surface_history": [[round(a, 2), b] for a, b in history],
        "second_half_frames": int(len(ph)),
        "second_half_basin_transitions": transitions,
        "second_half_unweighted_phi_pos_fraction": float(np.mean(positive)),
        "mean_kinetic_temperature_k": float(np.mean(temps)) if temps else None,
        "max_bias_kj_per_mol": float(np.max(final_bias)),
        "wall_seconds": round(time.time() - t0, 1),
    }
    log("done: %s" % json.dumps({k: result[k] for k in ("ns", "dF_kt_surface", "dF_kt_reweighted",
                                                         "dF_kt_reweighted_block_se", "dF_kt_final_bias")}))
    return result


# ---------------------------------------------------------------------------------------


def finite_or_none(obj):
    """JSON has no inf/nan: replace them by null."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: finite_or_none(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite_or_none(v) for v in obj]
    return obj


def write_json_atomic(path, obj):
    obj = finite_or_none(obj)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(obj, f, indent=2, allow_nan=False)
        f.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def r3(x):
    return round(float(x), 3) if math.isfinite(x) else str(x)


def main():
    global BIAS_FACTOR, SIGMA_RAD, HEIGHT_KJ
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ns", type=float, default=12.0, help="ns per run (default 12)")
    ap.add_argument("--seed", type=int, default=1, help="seed of run A; run B uses seed + 1 (default 1)")
    ap.add_argument("--max-wall-minutes", type=float, default=25.0,
                    help="stop each run after this much wall time (default 25)")
    ap.add_argument("--bias-factor", type=float, default=BIAS_FACTOR, help="default %g" % BIAS_FACTOR)
    ap.add_argument("--sigma", type=float, default=SIGMA_RAD, help="Gaussian width, rad (default %g)" % SIGMA_RAD)
    ap.add_argument("--height", type=float, default=HEIGHT_KJ, help="initial hill height, kJ/mol (default %g)"
                    % HEIGHT_KJ)
    ap.add_argument("--platform", default="Reference", choices=["Reference", "CPU"])
    ap.add_argument("--save-dir", default=None, help="also write raw frames and bias grids here (npz)")
    ap.add_argument("--out", default=OUT_PATH, help="output JSON (default scripts/reference/...)")
    a = ap.parse_args()

    BIAS_FACTOR, SIGMA_RAD, HEIGHT_KJ = a.bias_factor, a.sigma, a.height
    params = (BIAS_FACTOR, SIGMA_RAD, HEIGHT_KJ)
    t0 = time.time()
    jobs = [("A", a.seed, "pdb", a.ns, a.max_wall_minutes * 60.0, a.platform, a.save_dir, params),
            ("B", a.seed + 1, "phi+60", a.ns, a.max_wall_minutes * 60.0, a.platform, a.save_dir, params)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        runs = pool.map(run_one, jobs)
    wall = time.time() - t0

    four = [r["dF_kt_surface"] for r in runs] + [r["dF_kt_reweighted"] for r in runs]
    combined = float(np.mean(four))
    spread = 0.5 * (max(four) - min(four))
    block = math.sqrt(sum(r["dF_kt_reweighted_block_se"] ** 2 for r in runs)) / 2.0
    uncertainty = spread + block
    d_surface = runs[0]["dF_kt_surface"] - runs[1]["dF_kt_surface"]
    d_rw = runs[0]["dF_kt_reweighted"] - runs[1]["dF_kt_reweighted"]
    d_fb = runs[0]["dF_kt_final_bias"] - runs[1]["dF_kt_final_bias"]
    within = [r["dF_kt_surface"] - r["dF_kt_reweighted"] for r in runs]
    agree = bool(abs(d_surface) <= 0.5 and abs(d_rw) <= 0.5)
    if agree:
        note = ("Runs A and B agree: surface estimates differ by %.3f kT, c(t)-reweighted by %.3f kT, "
                "final-bias reweighted by %.3f kT; surface minus reweighted within a run: %.3f (A), %.3f (B) kT. "
                "Uncertainty = half the range of the four estimates (%.3f) + block s.e. of the mean of the "
                "reweighted estimates (%.3f)." % (d_surface, d_rw, d_fb, within[0], within[1], spread, block))
    else:
        note = ("NOT A REFERENCE: runs A and B disagree by more than 0.5 kT (surface %.3f kT, "
                "c(t)-reweighted %.3f kT). Longer runs are needed." % (d_surface, d_rw))

    out = {
        "system": "aldp-implicit (bg/src/main/resources/org/boltzmann4j/bg/systems/aldp-implicit.xml): "
                  "alanine dipeptide, amber99sbildn + OBC implicit solvent, NoCutoff, no constraints",
        "quantity": "dF = -kT ln(P(phi > 0) / P(phi <= 0)), phi = C(ACE)-N-CA-C = atoms 4,6,8,10 (0-based), "
                    "in kT",
        "temperature_k": TEMPERATURE_K,
        "method": ("well-tempered metadynamics in (phi, psi) with openmm.app.Metadynamics: bias factor %g, "
                   "initial hill height %g kJ/mol every %d steps, sigma %g rad, periodic grid %dx%d on [-pi, pi]; "
                   "LangevinMiddleIntegrator 300 K, friction %g/ps, %g fs, platform %s; two independent runs "
                   "(A from the PDB structure, B from phi rotated to +60 deg), run in parallel. "
                   "dF_kt_surface: final F = -gamma/(gamma-1) V integrated on the grid (boundary columns "
                   "phi = 0, +-pi count half). dF_kt_reweighted: second-half frames (every %d steps) reweighted "
                   "with exp((V(s,t) - c(t))/kT), Tiwary-Parrinello c(t); block s.e. from %d blocks. "
                   "dF_kt_final_bias: second-half frames reweighted with the final bias (check). "
                   "delta_f_kt = mean of the 2 surface and 2 reweighted estimates; uncertainty_kt = half "
                   "their range + block s.e. of the mean of the two reweighted estimates. "
                   "Made by scripts/make-reference-df.py."
                   % (BIAS_FACTOR, HEIGHT_KJ, PACE, SIGMA_RAD, GRID, GRID, FRICTION_PER_PS, STEP_FS,
                      a.platform, RECORD_EVERY, N_BLOCKS)),
        "runs": runs,
        "difference_a_minus_b_kt": {"surface": d_surface, "reweighted": d_rw, "final_bias": d_fb},
        "delta_f_kt": round(combined, 3),
        "uncertainty_kt": round(uncertainty, 3),
        "agreement_note": note,
        "is_reference": agree,
        "wall_seconds": round(wall, 1),
        "openmm_version": openmm.__version__,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": "nice -n 19 /usr/bin/python3 scripts/make-reference-df.py " + " ".join(sys.argv[1:]),
    }
    write_json_atomic(a.out, out)
    print("run A: surface %s, reweighted %s +- %s, final-bias %s kT (%.2f ns)"
          % (r3(runs[0]["dF_kt_surface"]), r3(runs[0]["dF_kt_reweighted"]),
             r3(runs[0]["dF_kt_reweighted_block_se"]), r3(runs[0]["dF_kt_final_bias"]), runs[0]["ns"]))
    print("run B: surface %s, reweighted %s +- %s, final-bias %s kT (%.2f ns)"
          % (r3(runs[1]["dF_kt_surface"]), r3(runs[1]["dF_kt_reweighted"]),
             r3(runs[1]["dF_kt_reweighted_block_se"]), r3(runs[1]["dF_kt_final_bias"]), runs[1]["ns"]))
    print("dF = %.3f +- %.3f kT; %s" % (combined, uncertainty, note))
    print("wall %.0f s; wrote %s" % (wall, a.out))


if __name__ == "__main__":
    main()
