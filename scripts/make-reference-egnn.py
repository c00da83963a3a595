#!/usr/bin/env python3
"""Writes bg/src/test/resources/org/boltzmann4j/bg/cnf/egnn-reference/{small,n22}.npz: PyTorch's float64
values of the EGNN vector field (scripts/bench/tbg_torch.py, written independently from the architecture
in the contract) for EgnnTorchReferenceTest, which loads the same parameters into cnf/Egnn by name.

Each .npz holds the parameters under their names ("embed.w", "layer0.edge1.w", ...; shapes (in, out)),
"features" (N, F), "x" (B, 3N), "t" (1) and, at that time, torch's "velocity" (B, 3N) and exact
"divergence" (B) (autograd, one backward pass per output component); for a training pass at per-row
times "t_rows" (B): "train_velocity" and, for the loss sum(grad_velocity * v), the parameter gradients
"grad.<name>" (autograd; zero for the last layer's node1/node2, whose output nothing reads).

Cases: "small" N = 6 atoms (atoms 0 and 1 share their features), F = 4, H = 8, L = 2, B = 3; "n22" N = 22,
F = 6, H = 16, L = 3, B = 2. Parameters are drawn as the contract's initialisation except coord2.w, drawn
like the other weights (uniform +-1/sqrt(H)) instead of +-0.001, so that the coordinate updates are large
enough to feed the later layers' distances: a test at the tiny initial scale could not see a wrong
coordinate path. Before writing, the script checks torch's numbers themselves: the divergence against the
trace of a central finite-difference Jacobian, autograd against torch.func's Jacobian, rotation, reflection
and translation equivariance, and the permutation of the two atoms that share features; it fails if any
check fails.

  python3 scripts/make-reference-egnn.py        (needs torch: the pyenv python3)
"""
import os
import sys

import numpy as np
import torch

root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(root, 'scripts', 'bench'))
import tbg_torch as T  # noqa: E402

out_dir = os.path.join(root, 'bg', 'src', 'test', 'resources', 'org', 'boltzmann4j', 'bg', 'cnf', 'egnn-reference')
torch.set_num_threads(1)
D = torch.float64


def features(n, f, gen, shared):
    """One-hot-like rows (a type among f - 1 and a scaled last column), rows in `shared` equal to the first."""
    rows = torch.zeros(n, f, dtype=D)
    kinds = torch.randint(0, f - 1, (n,), generator=gen)
    rows[torch.arange(n), kinds] = 1
    rows[:, f - 1] = torch.rand(n, generator=gen, dtype=D)
    for i in shared:
        rows[i] = rows[shared[0]]
    return rows


def check(name, ok, detail):
    print('make-reference-egnn: %-45s %s' % (name, detail))
    if not ok:
        sys.exit('make-reference-egnn: check failed: ' + name)


def relative(a, b):
    return float((a - b).abs().max() / b.abs().max())


def make(case, n, f, h, layers, b, seed, shared):
    gen = torch.Generator().manual_seed(seed)
    params = T.init_params(f, h, layers, seed, coord2_scale=1 / np.sqrt(h))
    feats = features(n, f, gen, shared)
    x = 0.4 * torch.randn(b, 3 * n, generator=gen, dtype=D) + 0.1  # not mean-free: the output must be
    t = 0.37
    t_rows = torch.rand(b, generator=gen, dtype=D)
    grad_v = torch.randn(b, 3 * n, generator=gen, dtype=D)

    v, div = T.velocity_and_divergence_autograd(params, feats, x, t)
    v2, div2 = T.velocity_and_divergence_func(params, feats, x, t)
    check(case + ': autograd vs torch.func divergence', relative(div2, div) < 1e-12, '%.1e' % relative(div2, div))
    eps = 1e-6
    fd = torch.zeros(b, dtype=D)
    with torch.no_grad():
        for k in range(3 * n):
            e = torch.zeros(3 * n, dtype=D)
            e[k] = eps
            fd += (T.velocity(params, feats, x + e, t)[:, k] - T.velocity(params, feats, x - e, t)[:, k]) / (2 * eps)
    check(case + ': divergence vs finite-difference trace', relative(fd, div) < 1e-7, '%.1e' % relative(fd, div))
    q, _ = torch.linalg.qr(torch.randn(3, 3, generator=gen, dtype=D))
    q = q @ torch.diag(torch.tensor([1.0, 1.0, -1.0], dtype=D))  # a reflection as well
    shift = torch.tensor([0.3, -1.2, 0.7], dtype=D)
    xr = (x.reshape(b, n, 3) @ q.T + shift).reshape(b, 3 * n)
    vr, divr = T.velocity_and_divergence_autograd(params, feats, xr, t)
    err = relative(vr, (v.reshape(b, n, 3) @ q.T).reshape(b, 3 * n))
    check(case + ': E(3) equivariance of v, invariance of div', err < 1e-12 and relative(divr, div) < 1e-12,
          '%.1e %.1e' % (err, relative(divr, div)))
    perm = list(range(n))
    perm[shared[0]], perm[shared[1]] = perm[shared[1]], perm[shared[0]]
    xp = x.reshape(b, n, 3)[:, perm].reshape(b, 3 * n)
    vp = T.velocity(params, feats, xp, t)
    err = relative(vp, v.reshape(b, n, 3)[:, perm].reshape(b, 3 * n))
    check(case + ': permutation of atoms that share features', err < 1e-12, '%.1e' % err)

    leaf = {k: p.clone().requires_grad_(True) for k, p in params.items()}
    tv = T.velocity(leaf, feats, x, t_rows)
    # the last layer's node update feeds nothing (the output is read from x): those gradients are zero
    grads = torch.autograd.grad((grad_v * tv).sum(), list(leaf.values()), allow_unused=True)
    grads = [torch.zeros_like(p) if g is None else g for p, g in zip(leaf.values(), grads)]

    arrays = {name: params[name].numpy() for name, _ in T.parameter_shapes(f, h, layers)}
    arrays.update({'features': feats.numpy(), 'x': x.numpy(), 't': np.array([t]), 'velocity': v.numpy(),
                   'divergence': div.numpy(), 't_rows': t_rows.numpy(), 'train_velocity': tv.detach().numpy(),
                   'grad_velocity': grad_v.numpy()})
    for name, g in zip(leaf, grads):
        arrays['grad.' + name] = g.numpy()
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, case + '.npz')
    T.write_npz(path, arrays)
    print('make-reference-egnn: wrote %s (%d bytes)' % (os.path.relpath(path, root), os.path.getsize(path)))


make('small', n=6, f=4, h=8, layers=2, b=3, seed=11, shared=(0, 1))
make('n22', n=22, f=6, h=16, layers=3, b=2, seed=22, shared=(11, 12))
