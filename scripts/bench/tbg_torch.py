#!/usr/bin/env python3
"""PyTorch reference of boltzmann4j's cnf/Egnn: the EGNN vector field of the transferable Boltzmann
generator (TBG, Klein and Noe 2024; EGNN of Satorras et al. 2021), written independently from the
architecture in the project's contract (work brief tbg.md), with the same parameter names, its exact
divergence by PyTorch's autograd, a fixed-step RK4 integrator that carries the divergence, and a
conditional flow-matching training step. Used by scripts/make-reference-egnn.py (reference values of
the Java tests) and scripts/bench-tbg-cost (timing against boltzmann4j).

The network, for node features f (N, F), time t and coordinates x (rows of 3N, atom-major):
  h^0 = [f, t] embed.w + embed.b; for each layer l over ordered pairs i != j:
  r = x_i - x_j, d = |r|^2, d0 = |x^0_i - x^0_j|^2,
  a = silu([h_i, h_j, d, d0] edge1.w + edge1.b), m = silu(a edge2.w + edge2.b),
  m <- sigmoid(m gate.w + gate.b) m, c = tanh(silu(m coord1.w + coord1.b) coord2.w),
  x_i += sum_j r / (sqrt(d) + 1) c, h_i += silu([h_i, sum_j m] node1.w + node1.b) node2.w + node2.b;
  v = (x^L - x^0) minus its mean over atoms.
Linear layers act on row vectors (y = u W + b, W stored (in, out)), as in boltzmann4j. The edge layer's
matrix is applied in its split form (h_i W[:H] gathered per edge, plus h_j W[H:2H], plus the two distance
rows) rather than on concatenated edge inputs: the same arithmetic, fewer operations on the (B, E, 2H + 2)
array the TBG code builds, so that PyTorch gets the faster form too.

Divergence, exactly (the trace of dv/dx):
  "autograd": one backward pass per output component k of the batch-summed v[:, k] (retain_graph),
              keeping d v_k / d x_k; the loop of the TBG codes (bgflow's BruteForceEstimator).
  "func":     torch.func: vmap over the batch of jacrev of one row's field, trace of the Jacobian.

Command line (for scripts/bench-tbg-cost; prints one JSON object on stdout):
  tbg_torch.py time --atoms N --features F --width H --layers L --batch B --steps K --warmup W
                    --repeats R --threads T [--spec spec.npz] [--dtype float64|float32]
                    [--divergence auto|autograd|func] [--sigma S] [--learning-rate LR]
  spec.npz (written by `tbg_torch.py spec`) holds the parameters by name, the node features and
  fixed inputs, so that boltzmann4j's harness can start from exactly the same network and data.
  tbg_torch.py spec --out spec.npz --atoms N --features F --width H --layers L --batch B --seed S
"""
import argparse
import functools
import json
import math
import statistics
import sys
import time

import numpy as np

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the benchmark prints null figures; the reference maker needs torch
    torch = None

LAYER_PARAMS = ('edge1.w', 'edge1.b', 'edge2.w', 'edge2.b', 'gate.w', 'gate.b', 'coord1.w', 'coord1.b',
                'coord2.w', 'node1.w', 'node1.b', 'node2.w', 'node2.b')
COORD2_INIT = 1e-3  # EGNN's small last coordinate layer


def parameter_shapes(features, width, layers):
    """(name, shape) of every parameter in the order of Egnn.parameters()."""
    h = width
    shapes = [('embed.w', (features + 1, h)), ('embed.b', (h,))]
    per_layer = {'edge1.w': (2 * h + 2, h), 'edge1.b': (h,), 'edge2.w': (h, h), 'edge2.b': (h,),
                 'gate.w': (h, 1), 'gate.b': (1,), 'coord1.w': (h, h), 'coord1.b': (h,), 'coord2.w': (h, 1),
                 'node1.w': (2 * h, h), 'node1.b': (h,), 'node2.w': (h, h), 'node2.b': (h,)}
    for l in range(layers):
        shapes += [('layer%d.%s' % (l, n), per_layer[n]) for n in LAYER_PARAMS]
    return shapes


def fan_in(name, shapes):
    """The input width of the linear layer a parameter belongs to (a bias takes its weight's)."""
    return shapes[name[:-1] + 'w'][0]


def init_params(features, width, layers, seed, dtype=None, coord2_scale=COORD2_INIT):
    """Seeded parameters as PyTorch's nn.Linear initialises them: uniform(-1/sqrt(in), 1/sqrt(in)) for weights
    and biases, except coord2.w, uniform(-coord2_scale, coord2_scale). Drawn in float64, then cast."""
    dtype = dtype or torch.float64
    gen = torch.Generator().manual_seed(seed)
    shapes = dict(parameter_shapes(features, width, layers))
    params = {}
    for name, shape in parameter_shapes(features, width, layers):
        bound = coord2_scale if name.endswith('coord2.w') else 1 / math.sqrt(fan_in(name, shapes))
        u = torch.rand(shape, generator=gen, dtype=torch.float64)
        params[name] = ((2 * u - 1) * bound).to(dtype)
    return params


def architecture_of(params):
    features = params['embed.w'].shape[0] - 1
    width = params['embed.w'].shape[1]
    layers = sum(1 for n in params if n.endswith('.edge1.w'))
    return features, width, layers


@functools.lru_cache(maxsize=None)
def edges(n):
    """Ordered pairs i != j, sorted by i (so per-node sums are reshapes): rows i, cols j, E = n (n - 1)."""
    rows = torch.arange(n).repeat_interleave(n - 1)
    cols = torch.tensor([j for i in range(n) for j in range(n) if j != i], dtype=torch.long)
    return rows, cols


def velocity(params, f, x, t):
    """v (B, 3N) for coordinates x (B, 3N), node features f (N, F) and times t (B) or a float."""
    b = x.shape[0]
    n = f.shape[0]
    features, width, layers = architecture_of(params)
    rows, cols = edges(n)
    if not torch.is_tensor(t):
        t = torch.full((b,), float(t), dtype=x.dtype)
    w = params['embed.w']
    h = (f @ w[:features]).unsqueeze(0) + t.reshape(b, 1, 1) * w[features] + params['embed.b']
    x0 = x.reshape(b, n, 3)
    xl = x0
    r0 = x0.index_select(1, rows) - x0.index_select(1, cols)
    d0 = (r0 * r0).sum(-1, keepdim=True)
    for l in range(layers):
        p = lambda name: params['layer%d.%s' % (l, name)]
        r = xl.index_select(1, rows) - xl.index_select(1, cols)
        d = (r * r).sum(-1, keepdim=True)
        w1 = p('edge1.w')
        hi = h @ w1[:width]
        hj = h @ w1[width:2 * width]
        a = F.silu(hi.index_select(1, rows) + hj.index_select(1, cols) + d * w1[2 * width] + d0 * w1[2 * width + 1] + p('edge1.b'))
        m = F.silu(a @ p('edge2.w') + p('edge2.b'))
        m = torch.sigmoid(m @ p('gate.w') + p('gate.b')) * m
        c = torch.tanh(F.silu(m @ p('coord1.w') + p('coord1.b')) @ p('coord2.w'))
        shift = (r / (torch.sqrt(d) + 1) * c).reshape(b, n, n - 1, 3).sum(2)
        msum = m.reshape(b, n, n - 1, width).sum(2)
        h = h + F.silu(torch.cat([h, msum], -1) @ p('node1.w') + p('node1.b')) @ p('node2.w') + p('node2.b')
        xl = xl + shift
    v = xl - x0
    v = v - v.mean(1, keepdim=True)
    return v.reshape(b, 3 * n)


def velocity_and_divergence_autograd(params, f, x, t):
    """v and tr(dv/dx) per row by 3N backward passes of the batch-summed components (rows are independent)."""
    with torch.enable_grad():
        x = x.detach().requires_grad_(True)
        v = velocity(params, f, x, t)
        div = torch.zeros(x.shape[0], dtype=x.dtype)
        for k in range(x.shape[1]):
            g, = torch.autograd.grad(v[:, k].sum(), x, retain_graph=k + 1 < x.shape[1])
            div = div + g[:, k]
    return v.detach(), div


def velocity_and_divergence_func(params, f, x, t, chunk=None):
    """v and tr(dv/dx) per row with torch.func: vmap over rows of jacrev of one row's field."""
    from torch.func import jacrev, vmap
    detached = {k: v.detach() for k, v in params.items()}

    def one(xr, tr):
        v = velocity(detached, f, xr.unsqueeze(0), tr.reshape(1)).squeeze(0)
        return v, v

    if not torch.is_tensor(t):
        t = torch.full((x.shape[0],), float(t), dtype=x.dtype)
    jac, v = vmap(jacrev(one, has_aux=True), chunk_size=chunk)(x.detach(), t)
    return v, torch.diagonal(jac, dim1=1, dim2=2).sum(1)


def divergence_method(name):
    return {'autograd': velocity_and_divergence_autograd, 'func': velocity_and_divergence_func}[name]


def mean_free_normal(b, n, gen, dtype, sigma=1.0):
    z = torch.randn((b, n, 3), generator=gen, dtype=torch.float64).to(dtype) * sigma
    return (z - z.mean(1, keepdim=True)).reshape(b, 3 * n)


def mean_free_log_prob(z, n, sigma=1.0):
    """log density of the isotropic Gaussian on the (3N - 3)-dimensional mean-free subspace."""
    return -(z * z).sum(1) / (2 * sigma ** 2) - (3 * n - 3) / 2 * math.log(2 * math.pi * sigma ** 2)


def rk4(field, x, t0, t1, steps):
    """Classic RK4 with `steps` equal steps for dx/dt = v and dlogdet/dt = div v; field(x, t) -> (v, div).
    Returns x(t1) and the integral of div v from t0 to t1 per row."""
    h = (t1 - t0) / steps
    ld = torch.zeros(x.shape[0], dtype=torch.float64)
    t = t0
    for _ in range(steps):
        k1, d1 = field(x, t)
        k2, d2 = field(x + 0.5 * h * k1, t + 0.5 * h)
        k3, d3 = field(x + 0.5 * h * k2, t + 0.5 * h)
        k4, d4 = field(x + h * k3, t + h)
        x = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        ld = ld + h / 6 * (d1 + 2 * d2 + 2 * d3 + d4).to(torch.float64)
        t = t0 + (_ + 1) * h
    return x, ld


def sample(params, f, b, steps, gen, method='autograd'):
    """b samples with exact log q: z from the mean-free prior, RK4 from t = 0 to 1 carrying the divergence."""
    n = f.shape[0]
    dtype = params['embed.w'].dtype
    z = mean_free_normal(b, n, gen, dtype)
    div = divergence_method(method)
    with torch.no_grad() if method == 'func' else torch.enable_grad():
        x, integral = rk4(lambda y, t: div(params, f, y, t), z, 0.0, 1.0, steps)
    return x.detach(), mean_free_log_prob(z.to(torch.float64), n) - integral


class FlowMatching:
    """Conditional flow matching with straight paths: x_t = (1 - t) x0 + t x1 + sigma eps (x0 from the prior,
    eps mean-free), target u = x1 - x0, loss mean (v - u)^2 over rows and coordinates, Adam."""

    def __init__(self, params, f, sigma=0.01, learning_rate=1e-3):
        self.params = {k: v.detach().clone().requires_grad_(True) for k, v in params.items()}
        self.f = f
        self.sigma = sigma
        self.adam = torch.optim.Adam(list(self.params.values()), lr=learning_rate)

    def loss(self, x0, x1, t, eps):
        xt = (1 - t)[:, None] * x0 + t[:, None] * x1 + self.sigma * eps
        v = velocity(self.params, self.f, xt, t)
        return ((v - (x1 - x0)) ** 2).mean()

    def step(self, x1, gen):
        """One step on data rows x1; the prior draws, times and noise come from gen. Returns the loss."""
        b, d = x1.shape
        n = d // 3
        dtype = x1.dtype
        x0 = mean_free_normal(b, n, gen, dtype)
        eps = mean_free_normal(b, n, gen, dtype)
        t = torch.rand(b, generator=gen, dtype=torch.float64).to(dtype)
        return self.step_on(x0, x1, t, eps)

    def step_on(self, x0, x1, t, eps):
        self.adam.zero_grad(set_to_none=False)
        loss = self.loss(x0, x1, t, eps)
        loss.backward()
        self.adam.step()
        return loss.item()


def aldp_like_features(n, features):
    """Node features of width F for n atoms: a one-hot atom type (alanine dipeptide's 22 atoms canonicalised,
    methyl hydrogens sharing a type) and a one-hot residue position, the rest zero; a stand-in of the
    conditioning vocabulary's width (the cost of the network does not depend on the values)."""
    names = ['H', 'CH3', 'H', 'H', 'C', 'O', 'N', 'H', 'CA', 'HA', 'CB', 'HB', 'HB', 'HB', 'C', 'O',
             'N', 'H', 'CH3', 'H', 'H', 'H']
    residue = [0] * 6 + [1] * 10 + [2] * 6
    types = sorted(set(names))
    f = np.zeros((n, features))
    for i in range(n):
        kind = types.index(names[i % 22]) if n == 22 else i % max(1, features - 3)
        f[i, kind % (features - 3)] = 1
        f[i, features - 3 + (residue[i % 22] if n == 22 else i % 3)] = 1
    return f


def write_npz(path, arrays):
    """Atomically: a temporary file renamed into place."""
    import os
    tmp = path + '.tmp.npz'
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def spec_arrays(atoms, features, width, layers, batch, seed):
    """The shared start of a benchmark: parameters (seeded, nn.Linear initialisation), node features,
    data rows x1 (mean-free, 0.3 nm spread) and one training step's x0, t and eps."""
    params = init_params(features, width, layers, seed)
    gen = torch.Generator().manual_seed(seed + 1)
    arrays = {name: params[name].numpy() for name, _ in parameter_shapes(features, width, layers)}
    arrays['features'] = aldp_like_features(atoms, features)
    arrays['x1'] = (0.3 * mean_free_normal(batch, atoms, gen, torch.float64)).numpy()
    arrays['x0'] = mean_free_normal(batch, atoms, gen, torch.float64).numpy()
    arrays['t'] = torch.rand(batch, generator=gen, dtype=torch.float64).numpy()
    arrays['eps'] = mean_free_normal(batch, atoms, gen, torch.float64).numpy()
    return arrays


def timed(fn, warmup, repeats):
    """Wall-clock milliseconds of each repeat, and the process CPU milliseconds (all threads) of each: on a
    shared machine the CPU time is the steadier measure of the work."""
    for _ in range(warmup):
        fn()
    ms, cpu = [], []
    for _ in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    return ms, cpu


def main_time(a):
    if torch is None:
        print('tbg_torch: torch is not installed (pip install a CPU wheel of torch); no PyTorch reference',
              file=sys.stderr)
        print(json.dumps({'torch_sample_ms': None, 'torch_train_step_ms': None, 'torch': None}), flush=True)
        return
    torch.set_num_threads(a.threads)
    dtype = torch.float64 if a.dtype == 'float64' else torch.float32
    if a.spec:
        arrays = dict(np.load(a.spec))
    else:
        arrays = {k: v for k, v in spec_arrays(a.atoms, a.features, a.width, a.layers, a.batch, a.seed).items()}
    features, width, layers = arrays['embed.w'].shape[0] - 1, arrays['embed.w'].shape[1], \
        sum(1 for n in arrays if n.endswith('.edge1.w'))
    names = [n for n, _ in parameter_shapes(features, width, layers)]
    params = {n: torch.from_numpy(arrays[n]).to(dtype) for n in names}
    f = torch.from_numpy(arrays['features']).to(dtype)
    atoms = f.shape[0]
    x1 = torch.from_numpy(arrays['x1']).to(dtype)
    batch = x1.shape[0]
    out = {'torch': torch.__version__, 'torch_threads': torch.get_num_threads(), 'torch_dtype': a.dtype}

    # the loss of one step on the spec's fixed draws: the same number on both sides shows the same network
    fm = FlowMatching(params, f, a.sigma, a.learning_rate)
    fixed = [torch.from_numpy(arrays[k]).to(dtype) for k in ('x0', 'x1', 't', 'eps')]
    with torch.no_grad():
        out['torch_first_loss'] = fm.loss(*fixed).item()

    # sampling with exact likelihood: pick the faster exact divergence on a probe, then time full runs
    gen = torch.Generator().manual_seed(a.seed + 2)
    probe = mean_free_normal(a.sample_batch, atoms, gen, dtype)
    methods = ['autograd', 'func'] if a.divergence == 'auto' else [a.divergence]
    per_eval, per_eval_cpu = {}, {}
    for m in methods:
        fn = divergence_method(m)
        try:
            with torch.no_grad() if m == 'func' else torch.enable_grad():
                ms, cpu = timed(lambda: fn(params, f, probe, 0.5), 1, max(1, a.probe_repeats))
            per_eval[m] = statistics.median(ms)
            per_eval_cpu[m] = statistics.median(cpu)
        except RuntimeError as e:  # out of memory in jacrev's batched Jacobian: not a usable method
            print('tbg_torch: divergence by %s failed: %s' % (m, e), file=sys.stderr)
    method = min(per_eval, key=per_eval.get)
    a1, d1 = velocity_and_divergence_autograd(params, f, probe, 0.5)
    if len(per_eval) > 1:
        a2, d2 = velocity_and_divergence_func(params, f, probe, 0.5)
        out['divergence_methods_max_abs_difference'] = float((d1 - d2).abs().max())
    out['torch_divergence'] = method
    out['torch_divergence_eval_ms'] = {m: round(v, 3) for m, v in per_eval.items()}
    out['torch_divergence_eval_cpu_ms'] = {m: round(v, 3) for m, v in per_eval_cpu.items()}
    sample_ms, sample_cpu = timed(lambda: sample(params, f, a.sample_batch, a.steps, gen, method), a.sample_warmup,
                      a.sample_repeats)
    out['torch_sample_ms'] = statistics.median(sample_ms) / a.sample_batch
    out['torch_sample_ms_runs'] = [round(s / a.sample_batch, 3) for s in sample_ms]
    out['torch_sample_cpu_ms'] = statistics.median(sample_cpu) / a.sample_batch

    tgen = torch.Generator().manual_seed(a.seed + 3)
    step_ms, step_cpu = timed(lambda: fm.step(x1, tgen), a.warmup, a.repeats)
    out['torch_train_step_ms'] = statistics.median(step_ms)
    out['torch_train_step_ms_runs'] = [round(s, 3) for s in step_ms]
    out['torch_train_step_cpu_ms'] = statistics.median(step_cpu)
    out.update({'atoms': atoms, 'features': features, 'width': width, 'layers': layers, 'batch': batch,
                'sample_batch': a.sample_batch, 'rk4_steps': a.steps})
    print(json.dumps(out), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = p.add_subparsers(dest='command', required=True)
    for name in ('time', 'spec'):
        s = sub.add_parser(name)
        s.add_argument('--atoms', type=int, default=22)
        s.add_argument('--features', type=int, default=30)
        s.add_argument('--width', type=int, default=64)
        s.add_argument('--layers', type=int, default=5)
        s.add_argument('--batch', type=int, default=64, help='training batch')
        s.add_argument('--seed', type=int, default=1)
        if name == 'spec':
            s.add_argument('--out', required=True)
        else:
            s.add_argument('--spec')
            s.add_argument('--sample-batch', type=int, default=64)
            s.add_argument('--steps', type=int, default=20, help='RK4 steps')
            s.add_argument('--sample-warmup', type=int, default=0)
            s.add_argument('--sample-repeats', type=int, default=1)
            s.add_argument('--probe-repeats', type=int, default=2)
            s.add_argument('--warmup', type=int, default=3)
            s.add_argument('--repeats', type=int, default=10)
            s.add_argument('--threads', type=int, default=1)
            s.add_argument('--dtype', choices=('float64', 'float32'), default='float64')
            s.add_argument('--divergence', choices=('auto', 'autograd', 'func'), default='auto')
            s.add_argument('--sigma', type=float, default=0.01)
            s.add_argument('--learning-rate', type=float, default=1e-3)
    a = p.parse_args()
    for k in ('atoms', 'features', 'width', 'layers', 'batch'):
        if getattr(a, k) <= 0:
            p.error('--%s must be > 0, got %d' % (k, getattr(a, k)))
    if a.command == 'spec':
        if torch is None:
            sys.exit('tbg_torch: torch is not installed; cannot write a spec')
        write_npz(a.out, spec_arrays(a.atoms, a.features, a.width, a.layers, a.batch, a.seed))
    else:
        main_time(a)


if __name__ == '__main__':
    main()
