#!/usr/bin/env python3
"""Writes bg/src/test/resources/reference/adam/adam-reference.json: parameter values and Adam
moments after each of six steps of an independent implementation of Adam (Kingma and Ba 2015,
Algorithm 1 in the "efficient" ordering of their section 2: lr_t = lr sqrt(1 - beta2^t) /
(1 - beta1^t), theta -= lr_t m / (sqrt(v) + eps)) with decoupled weight decay applied first
(theta *= 1 - lr wd, Loshchilov and Hutter 2019), written with numpy from the formulas, on fixed
gradients and learning rates. AdamTest feeds the same gradients to training/Adam and compares.

The numpy code is checked against torch.optim.AdamW where torch is installed: with eps = 0 both
orderings of the bias correction are the same arithmetic, so they must agree to rounding.

  python3 scripts/make-reference-adam.py
"""
import json
import os

import numpy as np

root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
out = os.path.join(root, 'bg', 'src', 'test', 'resources', 'reference', 'adam', 'adam-reference.json')


def adam(theta0, grads, lrs, beta1, beta2, eps, wd):
    """Every step's (theta, m, v) for one parameter array."""
    theta, m, v = theta0.copy(), np.zeros_like(theta0), np.zeros_like(theta0)
    steps = []
    for t, (g, lr) in enumerate(zip(grads, lrs), start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        lr_t = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
        theta = theta * (1 - lr * wd) - lr_t * m / (np.sqrt(v) + eps)
        steps.append((theta.copy(), m.copy(), v.copy()))
    return steps


def check_against_torch(theta0, grads, lrs, beta1, beta2, wd):
    try:
        import torch
    except ImportError:
        print('make-reference-adam: torch not installed, numpy code not cross-checked')
        return
    p = torch.nn.Parameter(torch.tensor(theta0, dtype=torch.float64))
    opt = torch.optim.AdamW([p], lr=lrs[0], betas=(beta1, beta2), eps=0.0, weight_decay=wd)
    ours = adam(theta0, grads, lrs, beta1, beta2, 0.0, wd)
    for (theta, _, _), g, lr in zip(ours, grads, lrs):
        for group in opt.param_groups:
            group['lr'] = lr
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        err = np.max(np.abs(p.detach().numpy() - theta))
        assert err < 1e-13, f'numpy Adam differs from torch.optim.AdamW by {err}'
    print('make-reference-adam: numpy code agrees with torch.optim.AdamW (eps = 0) to < 1e-13')


rng = np.random.default_rng(20261201)
cases = []
for name, (beta1, beta2, eps, wd), shapes in [
        ('defaults', (0.9, 0.999, 1e-8, 0.0), {'w': (3, 4), 'b': (4,)}),
        ('custom-with-decay', (0.8, 0.99, 1e-6, 0.01), {'p': (5,)})]:
    lrs = [0.1, 0.05, 0.02, 0.02, 0.01, 0.003]
    params = {}
    for pname, shape in shapes.items():
        theta0 = rng.normal(size=shape)
        grads = [rng.normal(scale=s, size=shape) for s in (1.0, 3.0, 0.5, 0.01, 2.0, 1.0)]
        grads[2].flat[0] = 0.0  # a zero gradient entry
        check_against_torch(theta0, grads, lrs, beta1, beta2, wd)
        steps = adam(theta0, grads, lrs, beta1, beta2, eps, wd)
        params[pname] = {'shape': list(shape), 'initial': theta0.ravel().tolist(),
                         'gradients': [g.ravel().tolist() for g in grads],
                         'theta': [s[0].ravel().tolist() for s in steps],
                         'm': [s[1].ravel().tolist() for s in steps],
                         'v': [s[2].ravel().tolist() for s in steps]}
    cases.append({'name': name, 'beta1': beta1, 'beta2': beta2, 'epsilon': eps, 'weight_decay': wd,
                  'learning_rates': lrs, 'parameters': params})
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, 'w') as f:
    json.dump({'made_by': 'scripts/make-reference-adam.py', 'cases': cases}, f, indent=1)
    f.write('\n')
print('make-reference-adam: wrote', os.path.relpath(out, root))
