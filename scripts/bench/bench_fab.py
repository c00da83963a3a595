"""Analysis for scripts/bench-fab (numpy only): one-particle double wells.

  python3 bench_fab.py samples SYSTEM.xml SAMPLES_DIR TEMPERATURE_K
      -> JSON: reweighted fraction at x > 0 with its delta-method standard error, the raw fraction,
         the normalised Kish ESS, from bg sample's samples.dcd and log_w.npy
  python3 bench_fab.py hybrid SYSTEM.xml HYBRID_DIR TEMPERATURE_K BINS
      -> JSON: chi-square of the histogram of x over all chains' saved frames against the exact
         marginal of x (quadrature of exp(-A((x/s)^2-1)^2/kT) over the bins, tails merged into the
         end bins), its degrees of freedom and p-value, the fraction at x > 0, frame count

The exact marginal comes from the System XML's global parameters A and s (the
CustomExternalForce A*((x/s)^2-1)^2+0.5*K*(y^2+z^2) of scripts/make-double-wells.py). Frames of a
chain are correlated, so the chi-square p-value is only meaningful when the saved frames are
further apart than the autocorrelation time (the bench saves every local move for that reason
and also reports the number of x-sign changes).
"""
import json
import math
import os
import re
import struct
import sys

import numpy as np

R = 0.00831446261815324


def well_parameters(xml):
    text = open(xml).read()
    par = dict((m.group(2), float(m.group(1))) for m in re.finditer(r'<Parameter default="([^"]+)" name="([^"]+)"', text))
    return par['A'], par['s']


def read_dcd_x(path):
    """x (nm) of atom 0 in every frame of a DCD (Angstrom inside), by walking its Fortran records."""
    data = open(path, 'rb').read()
    pos, records = 0, []
    while pos < len(data):
        (n,) = struct.unpack_from('<i', data, pos)
        records.append(data[pos + 4:pos + 4 + n])
        pos += 8 + n
    natoms = struct.unpack_from('<i', records[2], 0)[0]
    cell = struct.unpack_from('<i', records[0], 4 + 4 * 10)[0] == 1  # icntrl[10]: unit cell present
    frames = records[3:]
    per = 4 if cell else 3
    xs = []
    for f in range(0, len(frames) - per + 1, per):
        xr = frames[f + (1 if cell else 0)]
        xs.append(struct.unpack_from('<f', xr, 0)[0] / 10.0)
    return np.array(xs)


def marginal_cdf(A, s, kT, edges):
    grid = np.linspace(-0.5, 0.5, 400001)
    dens = np.exp(-A * ((grid / s) ** 2 - 1) ** 2 / kT)
    cdf = np.concatenate([[0], np.cumsum(0.5 * (dens[1:] + dens[:-1]) * np.diff(grid))])
    cdf /= cdf[-1]
    return np.interp(edges, grid, cdf)


def samples(xml, folder, temperature):
    x = read_dcd_x(os.path.join(folder, 'samples.dcd'))
    logw = np.load(os.path.join(folder, 'log_w.npy')).astype(float)
    ok = np.isfinite(logw)
    w = np.zeros_like(logw)
    w[ok] = np.exp(logw[ok] - logw[ok].max())
    wbar = w / w.sum()
    f = (x > 0).astype(float)
    p = float((wbar * f).sum())
    se = float(math.sqrt((wbar ** 2 * (f - p) ** 2).sum()))
    ess = float(1.0 / (wbar ** 2).sum() / len(wbar))
    return {'samples': int(len(x)), 'reweighted_fraction_x_pos': p, 'se': se, 'raw_fraction_x_pos': float(f.mean()),
            'ess': ess, 'target_met': bool(abs(p - 0.5) <= 0.03)}


def hybrid(xml, folder, temperature, bins):
    A, s = well_parameters(xml)
    kT = R * temperature
    xs = []
    changes = 0
    for d in sorted(os.listdir(folder)):
        if d.startswith('chain-'):
            x = read_dcd_x(os.path.join(folder, d, 'trajectory.dcd'))
            changes += int(np.sum(np.sign(x[1:]) != np.sign(x[:-1])))
            xs.append(x)
    x = np.concatenate(xs)
    edges = np.linspace(-0.2, 0.2, bins + 1)
    cdf = marginal_cdf(A, s, kT, edges)
    expected_p = np.diff(cdf)
    expected_p[0] += cdf[0]
    expected_p[-1] += 1 - cdf[-1]
    counts, _ = np.histogram(np.clip(x, edges[0], edges[-1] - 1e-12), bins=edges)
    expected = expected_p * len(x)
    keep = expected >= 5  # the chi-square approximation needs expected counts of at least about 5
    chi2 = float(((counts[keep] - expected[keep]) ** 2 / expected[keep]).sum())
    dof = int(keep.sum() - 1)
    # Wilson-Hilferty approximation of the chi-square upper tail (no scipy here)
    z = ((chi2 / dof) ** (1 / 3) - (1 - 2 / (9 * dof))) / math.sqrt(2 / (9 * dof))
    pvalue = 0.5 * math.erfc(z / math.sqrt(2))
    return {'frames': int(len(x)), 'fraction_x_pos': float((x > 0).mean()), 'sign_changes': changes, 'chi2': chi2, 'dof': dof,
            'p_value': pvalue, 'target_met': bool(pvalue > 0.01)}


if __name__ == '__main__':
    mode = sys.argv[1]
    if mode == 'samples':
        print(json.dumps(samples(sys.argv[2], sys.argv[3], float(sys.argv[4]))))
    elif mode == 'hybrid':
        print(json.dumps(hybrid(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]))))
    else:
        sys.exit('usage: bench_fab.py samples|hybrid ...')
