#!/usr/bin/env python3
"""PyTorch reference of scripts/bench-flow: the standard alanine dipeptide flow of boltzmann4j,
written independently in PyTorch from the architecture that FlowBench.java exports (masks,
permutations, normalisation, Z-matrix, MD frames), timed for the same training step.

Layers, data side first (the direction maximum likelihood evaluates, x -> z):
  internal coordinates of the frames (bonds, angles, torsions from the Z-matrix, canonical frame:
  the 3N-6 = 60 coordinates, log|det| = -(log b1^2 + log(b2^2 sin theta2) + sum log(b^2 sin theta)) as boltzmann4j's
  CanonicalInternalCoordinates) and their map to unconstrained reals (InternalCoordinateDomain:
  log of bonds, logit of angles and bounded torsions), computed in float64 without gradient (no
  parameters, and the frames need none); fixed affine standardisation; rotation of the torsions by their circular
  means; then the 8 rational-quadratic spline couplings (Durkan et al. 2019; circular splines as
  Rezende et al. 2020 on the torsions, interval splines on [-5, 5] with identity tails elsewhere;
  K = 8 bins; minimum bin width, height and slope 1e-3) with [256, 256] SiLU conditioners fed
  (cos, sin) of circular conditioning inputs, and the fixed permutations between them.

One step: zero the gradients, inverse pass, mean negative log-likelihood under N(0, 1) x
U(-pi, pi) (torsions), backward, global gradient-norm clipping at 100, Adam (lr 1e-3).

usage: bench_flow_torch.py spec.json batches dtypes warmup steps threads
Prints one JSON object per (batch, dtype). Without torch, prints the objects with
torch_step_ms null and a message on stderr.
"""
import json
import math
import statistics
import sys
import time

spec_path, batches, dtypes = sys.argv[1], [int(b) for b in sys.argv[2].split(',')], sys.argv[3].split(',')
warmup, steps, threads = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print('bench_flow_torch: torch is not installed (pip install --no-deps a CPU wheel of torch); '
          'no PyTorch reference', file=sys.stderr)
    for n in batches:
        for dt in dtypes:
            print(json.dumps({'batch': n, 'dtype': dt, 'torch_step_ms': None, 'torch': None}), flush=True)
    sys.exit(0)

torch.set_num_threads(threads)
with open(spec_path) as f:
    spec = json.load(f)

MIN_W = MIN_H = MIN_D = 1e-3
SLOPE_SHIFT = math.log(math.expm1(1 - MIN_D))  # softplus(0 + shift) + min = 1: raw 0 is the identity


def rq_spline_inverse(y, raw_w, raw_h, raw_d, lo, hi, circular):
    """u = f^-1(y) and log|du/dy| elementwise; y (n, t), raw_w/raw_h (n, t, K), raw_d (n, t, K-1 or K)."""
    K = raw_w.shape[-1]
    span = hi - lo
    if circular:
        y = torch.remainder(y - lo, span) + lo
        inside = None
        yc = y
    else:
        inside = (y >= lo) & (y <= hi)
        yc = y.clamp(lo, hi)
    w = MIN_W + (1 - MIN_W * K) * torch.softmax(raw_w, -1)
    h = MIN_H + (1 - MIN_H * K) * torch.softmax(raw_h, -1)
    edge_lo = torch.full_like(w[..., :1], lo)
    edge_hi = torch.full_like(w[..., :1], hi)
    xs = torch.cat([edge_lo, lo + span * torch.cumsum(w, -1)[..., :-1], edge_hi], -1)
    ys = torch.cat([edge_lo, lo + span * torch.cumsum(h, -1)[..., :-1], edge_hi], -1)
    d = MIN_D + F.softplus(raw_d + SLOPE_SHIFT)
    if circular:
        d = torch.cat([d, d[..., :1]], -1)  # same slope at -pi and pi
    else:
        one = torch.ones_like(d[..., :1])
        d = torch.cat([one, d, one], -1)  # unit slope where the identity tails join
    k = (torch.searchsorted(ys[..., 1:-1].contiguous(), yc.unsqueeze(-1), right=True)).clamp(0, K - 1)
    xk, xk1 = xs.gather(-1, k), xs.gather(-1, k + 1)
    yk, yk1 = ys.gather(-1, k), ys.gather(-1, k + 1)
    dk, dk1 = d.gather(-1, k), d.gather(-1, k + 1)
    xk, xk1, yk, yk1, dk, dk1 = (a.squeeze(-1) for a in (xk, xk1, yk, yk1, dk, dk1))
    wk, hk = xk1 - xk, yk1 - yk
    s = hk / wk
    dy = yc - yk
    delta = dk1 + dk - 2 * s
    a = hk * (s - dk) + dy * delta
    b = hk * dk - dy * delta
    c = -s * dy
    disc = (b * b - 4 * a * c).clamp_min(0)
    xi = (2 * c / (-b - torch.sqrt(disc))).clamp(0, 1)
    u = xk + xi * wk
    q = xi * (1 - xi)
    den = s + delta * q
    deriv = s * s * (dk1 * xi * xi + 2 * s * q + dk * (1 - xi) ** 2) / (den * den)
    log_du_dy = -torch.log(deriv)
    if circular:
        u = torch.where(u >= hi, u - span, u)
        return u, log_du_dy
    return torch.where(inside, u, y), torch.where(inside, log_du_dy, torch.zeros_like(y))


class Coupling(torch.nn.Module):
    def __init__(self, transformed, circular, bins, bound, hidden, dtype):
        super().__init__()
        d = len(transformed)
        self.cond = [i for i in range(d) if not transformed[i]]
        self.cond_lin = [i for i in self.cond if not circular[i]]
        self.cond_circ = [i for i in self.cond if circular[i]]
        self.trans_lin = [i for i in range(d) if transformed[i] and not circular[i]]
        self.trans_circ = [i for i in range(d) if transformed[i] and circular[i]]
        self.bins, self.bound = bins, bound
        features = len(self.cond_lin) + 2 * len(self.cond_circ)
        self.raw_lin = 3 * bins - 1
        self.raw_circ = 3 * bins
        out = len(self.trans_lin) * self.raw_lin + len(self.trans_circ) * self.raw_circ
        sizes = [features] + list(hidden) + [out]
        layers = []
        for i in range(len(sizes) - 1):
            lin = torch.nn.Linear(sizes[i], sizes[i + 1], dtype=dtype)
            torch.nn.init.kaiming_normal_(lin.weight, nonlinearity='relu')  # He normal, as boltzmann4j's Mlp
            torch.nn.init.zeros_(lin.bias)
            layers.append(lin)
            if i < len(sizes) - 2:
                layers.append(torch.nn.SiLU())
        torch.nn.init.zeros_(layers[-1].weight)  # the coupling starts as the identity
        self.net = torch.nn.Sequential(*layers)
        for name in ('cond_lin', 'cond_circ', 'trans_lin', 'trans_circ'):
            self.register_buffer(name + '_idx', torch.tensor(getattr(self, name), dtype=torch.long), persistent=False)

    def inverse(self, x):
        n = x.shape[0]
        cc = x[:, self.cond_circ_idx]
        feats = torch.cat([x[:, self.cond_lin_idx], torch.cos(cc), torch.sin(cc)], 1)
        raw = self.net(feats)
        K = self.bins
        out = x.clone()
        tl, tc = len(self.trans_lin), len(self.trans_circ)
        rl = raw[:, :tl * self.raw_lin].reshape(n, tl, self.raw_lin)
        rc = raw[:, tl * self.raw_lin:].reshape(n, tc, self.raw_circ)
        ld = torch.zeros(n, dtype=x.dtype)
        if tl:
            u, l = rq_spline_inverse(x[:, self.trans_lin_idx], rl[..., :K], rl[..., K:2 * K], rl[..., 2 * K:],
                                     -self.bound, self.bound, False)
            out[:, self.trans_lin_idx] = u
            ld = ld + l.sum(1)
        if tc:
            u, l = rq_spline_inverse(x[:, self.trans_circ_idx], rc[..., :K], rc[..., K:2 * K], rc[..., 2 * K:],
                                     -math.pi, math.pi, True)
            out[:, self.trans_circ_idx] = u
            ld = ld + l.sum(1)
        return out, ld


def internal_coordinates(x, ref, rows):
    """Cartesian (n, 3N) -> internal (n, 3N-6) in boltzmann4j's layout, and log|d ic/d x| of the canonical map."""
    n = x.shape[0]
    p = x.reshape(n, -1, 3)

    def dist(i, j):
        return (p[:, i] - p[:, j]).norm(dim=-1)

    def angle(i, j, k):
        a, c = p[:, i] - p[:, j], p[:, k] - p[:, j]
        return torch.atan2(torch.linalg.cross(a, c).norm(dim=-1), (a * c).sum(-1))

    def dihedral(i, j, k, l):
        b0, b1, b2 = p[:, i] - p[:, j], p[:, k] - p[:, j], p[:, l] - p[:, k]
        b1 = b1 / b1.norm(dim=-1, keepdim=True)
        v = b0 - (b0 * b1).sum(-1, keepdim=True) * b1
        w = b2 - (b2 * b1).sum(-1, keepdim=True) * b1
        return torch.atan2((torch.linalg.cross(b1, v) * w).sum(-1), (v * w).sum(-1))

    r0, r1, r2 = ref
    i, j, k, l = (torch.tensor([r[m] for r in rows]) for m in range(4))
    b = dist(i, j)
    th = angle(i, j, k)
    b1, b2, t2 = dist(r1, r0), dist(r2, r0), angle(r2, r0, r1)
    ic = torch.cat([b1[:, None], b2[:, None], b, t2[:, None], th, dihedral(i, j, k, l)], 1)
    # the canonical 3N-6 map plus the rotational volume element b1^2 b2 sin theta2 (as boltzmann4j)
    logdet = -(2 * torch.log(b1) + torch.log(b2 * b2 * torch.sin(t2)) + torch.log(b * b * torch.sin(th)).sum(1))
    return ic, logdet


def domain_inverse(x, spec):
    """boltzmann4j's InternalCoordinateDomain, data side to unconstrained: log of bonds, logit of the
    fraction of interval coordinates (angles on (0, pi), bounded torsions on (c - pi, c + pi))."""
    out = x.clone()
    b = torch.tensor(spec['bonds'], dtype=torch.long)
    lb = torch.log(x[:, b])
    out[:, b] = lb
    ld = -lb.sum(1)
    if spec['interval']:
        i = torch.tensor(spec['interval'], dtype=torch.long)
        lo = torch.tensor(spec['lo'], dtype=x.dtype)
        width = torch.tensor(spec['width'], dtype=x.dtype)
        periodic = torch.tensor(spec['periodic'])
        v = x[:, i]
        half = width / 2
        folded = torch.remainder(v - lo - half + math.pi, 2 * math.pi) - math.pi + half
        s = torch.where(periodic, folded, v - lo) / width
        out[:, i] = torch.log(s) - torch.log1p(-s)
        ld = ld - (torch.log(width) + torch.log(s) + torch.log1p(-s)).sum(1)
    return out, ld


class MolecularFlowTorch(torch.nn.Module):
    def __init__(self, spec, dtype):
        super().__init__()
        self.dtype = dtype
        self.spec = spec
        self.couplings = torch.nn.ModuleList()
        self.layers = []  # data side last, as in the spec
        for layer in spec['layers']:
            t = layer['type']
            if t == 'coupling':
                c = Coupling(layer['transformed'], layer['circular'], spec['bins'], spec['bound'], spec['hidden'], dtype)
                self.couplings.append(c)
                self.layers.append(('coupling', c))
            elif t == 'permutation':
                order = torch.tensor(layer['order'])
                self.layers.append(('permutation', torch.argsort(order)))  # inverse: z[:, order[i]] = x[:, i]
            elif t == 'circular_shift':
                self.layers.append(('shift', (torch.tensor(layer['shift'], dtype=dtype),
                                              torch.tensor(layer['circular']))))
            elif t == 'affine':
                self.layers.append(('affine', (torch.tensor(layer['shift'], dtype=dtype),
                                               torch.tensor(layer['log_scale'], dtype=dtype))))
            elif t == 'internal_coordinates':
                self.layers.append(('ic', None))
            elif t == 'domain':
                self.layers.append(('domain', layer))
        circ = torch.tensor(spec['latent_circular'])
        self.register_buffer('latent_circular', circ, persistent=False)

    def inverse(self, x):
        ld = torch.zeros(x.shape[0], dtype=torch.float64)
        for kind, layer in reversed(self.layers):
            if kind == 'ic':
                with torch.no_grad():
                    x, l = internal_coordinates(x, self.spec['reference_atoms'], self.spec['rows'])
                ld = ld + l
            elif kind == 'domain':
                with torch.no_grad():
                    x, l = domain_inverse(x, layer)
                x = x.to(self.dtype)
                ld = ld + l
            elif kind == 'affine':
                shift, log_scale = layer
                x = (x - shift) * torch.exp(-log_scale)
                ld = ld - log_scale.sum().to(torch.float64)
            elif kind == 'shift':
                shift, circ = layer
                x = torch.where(circ, torch.remainder(x - shift + math.pi, 2 * math.pi) - math.pi, x)
            elif kind == 'permutation':
                x = x[:, layer]
            else:
                x, l = layer.inverse(x)
                ld = ld + l.to(torch.float64)
        return x, ld

    def nll(self, x):
        z, ld = self.inverse(x)
        z = z.to(torch.float64)
        c = self.latent_circular
        logp = torch.where(c, torch.full_like(z, -math.log(2 * math.pi)), -0.5 * z * z - 0.5 * math.log(2 * math.pi)).sum(1)
        return -(logp + ld).mean()


frames = torch.tensor(spec['xyz'], dtype=torch.float64).reshape(spec['frames'], -1)
torch.manual_seed(1)
version = torch.__version__

# Identity check: a new flow is the identity on its couplings, so its NLL on all frames depends
# only on the fixed layers and must equal boltzmann4j's (spec['check_nll_all_frames']).
check = MolecularFlowTorch(spec, torch.float64)
with torch.no_grad():
    nll_all = check.nll(frames).item()
ref = spec.get('check_nll_all_frames')
if ref is not None and abs(nll_all - ref) > 1e-6 * max(1.0, abs(ref)):
    print('bench_flow_torch: NLL of the identity flow %.10f differs from boltzmann4j\'s %.10f' % (nll_all, ref),
          file=sys.stderr)
    sys.exit(1)

for n in batches:
    for dt in dtypes:
        dtype = torch.float64 if dt == 'float64' else torch.float32
        torch.manual_seed(1)
        flow = MolecularFlowTorch(spec, dtype)
        params = list(flow.parameters())
        opt = torch.optim.Adam(params, lr=1e-3)
        g = torch.Generator().manual_seed(17)
        xs = [frames[torch.randint(0, frames.shape[0], (n,), generator=g)] for _ in range(8)]

        def step(k):
            opt.zero_grad()
            loss = flow.nll(xs[k % len(xs)])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 100.0)
            opt.step()
            return loss.item()

        for k in range(warmup):
            step(k)
        ms = []
        for k in range(steps):
            t0 = time.perf_counter()
            step(warmup + k)
            ms.append((time.perf_counter() - t0) * 1e3)
        print(json.dumps({'batch': n, 'dtype': dt, 'torch_step_ms': round(statistics.median(ms), 3),
                          'torch_step_ms_min': round(min(ms), 3), 'torch': version, 'torch_threads': torch.get_num_threads(),
                          'identity_nll_all_frames': nll_all}), flush=True)
