"""Reference timings for `iclas bench anomaly`: scikit-learn (OneClassSVM, GaussianMixture with the same K search)
and PyTorch (the same autoencoder), on the arrays the TypeScript side has just timed.

  /usr/bin/python3 training/anomaly_reference.py DIR   ->  JSON on stdout

DIR holds `x.f32` (n x d float32, row-major), `split.json` ({"train": [...], "held_out": [...]}, the held-out
recordings the TypeScript side used) and `settings.json` (the settings below). Each timing is the minimum over
`repeats` runs, like the TypeScript side, both wall-clock and process CPU time (the machine is shared: CPU
time shows the work done when other processes take the cores; it counts every BLAS thread). Also returned: decision values / chosen K, to check both sides agree.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np


def best_of(repeats, fn):
    """Minimum wall-clock and minimum process CPU time (all threads) over the runs, and the last result."""
    best, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        best = min(best, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.process_time() - c)
    return (best, best_cpu), out


def times(fit, score):
    return {"fit_s": fit[0], "fit_cpu_s": fit[1], "score_s": score[0], "score_cpu_s": score[1]}


def ocsvm(X, s):
    from sklearn.svm import OneClassSVM

    fit_s, m = best_of(s["repeats"], lambda: OneClassSVM(kernel="rbf", gamma="scale", nu=s["nu"]).fit(X))
    score_s, dec = best_of(s["repeats"], lambda: m.decision_function(X))
    return {**times(fit_s, score_s), "n_support": int(len(m.support_)), "decision": dec.tolist()}


def gmm(X, split, s):
    from sklearn.mixture import GaussianMixture

    train, held = X[split["train"]], X[split["held_out"]]
    k_lo, k_hi = s["components"]

    def search():
        best = None
        candidates = []
        for k in range(k_lo, min(k_hi, len(train) // 2) + 1):
            try:
                g = GaussianMixture(k, covariance_type=s["covariance_type"], reg_covar=s["reg_covar"], tol=s["tol"],
                                    max_iter=s["max_iter"], random_state=s["seed"]).fit(train)
                crit = float(g.score(held))
            except ValueError:  # ill-defined covariance
                crit = float("-inf")
            candidates.append({"k": k, "criterion": crit, "iterations": int(getattr(g, "n_iter_", 0))})
            if best is None or crit > best[1]:
                best = (k, crit)
        final = GaussianMixture(best[0], covariance_type=s["covariance_type"], reg_covar=s["reg_covar"], tol=s["tol"],
                                max_iter=s["max_iter"], random_state=s["seed"]).fit(X)
        return final, candidates

    fit_s, (m, candidates) = best_of(s["repeats"], search)
    score_s, ll = best_of(s["repeats"], lambda: m.score_samples(X))
    return {**times(fit_s, score_s), "k": int(m.n_components), "candidates": candidates,
            "mean_loglik": float(ll.mean())}


def gauss(X, s):
    """The shrinkage Gaussian: OAS covariance (scikit-learn), scored by the squared Mahalanobis distance."""
    from sklearn.covariance import OAS

    fit_s, m = best_of(s["repeats"], lambda: OAS().fit(X))
    score_s, maha = best_of(s["repeats"], lambda: m.mahalanobis(X))
    return {**times(fit_s, score_s), "mahalanobis": maha.tolist(), "shrinkage": float(m.shrinkage_)}


def autoencoder(X, split, s):
    import torch

    torch.manual_seed(s["seed"])
    d = X.shape[1]
    widths = s["layers"]
    train = torch.from_numpy(X[split["train"]].astype(np.float32))
    centre = train.mean(0, keepdim=True)
    scale = float((train - centre).pow(2).mean().sqrt())
    train = (train - centre) / scale

    def build():
        layers = []
        for a, b in zip(widths[:-1], widths[1:]):
            layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
        return torch.nn.Sequential(*layers[:-1])

    def fit():
        net = build()
        opt = torch.optim.Adam(net.parameters(), lr=s["learning_rate"])
        g = torch.Generator().manual_seed(s["seed"])
        for _ in range(s["epochs"]):
            perm = torch.randperm(len(train), generator=g)
            for i in range(0, len(train), s["batch_size"]):
                xb = train[perm[i:i + s["batch_size"]]]
                opt.zero_grad()
                loss = torch.nn.functional.mse_loss(net(xb), xb)
                loss.backward()
                opt.step()
        return net

    fit_s, net = best_of(s["repeats"], fit)
    full = (torch.from_numpy(X.astype(np.float32)) - centre) / scale

    def score():
        with torch.no_grad():
            return ((net(full) - full) ** 2).mean(1) * scale * scale

    score_s, err = best_of(s["repeats"], score)
    return {**times(fit_s, score_s), "threads": torch.get_num_threads(), "mean_error": float(err.mean())}


def main():
    d = Path(sys.argv[1])
    s = json.loads((d / "settings.json").read_text())
    split = json.loads((d / "split.json").read_text())
    X = np.fromfile(d / "x.f32", dtype="<f4").reshape(s["n"], s["d"]).astype(np.float64)
    out = {}
    if "ocsvm" in s["models"]:
        out["ocsvm"] = ocsvm(X, s["ocsvm"])
    if "gmm" in s["models"]:
        out["gmm"] = gmm(X, split, s["gmm"])
    if "gauss" in s["models"]:
        out["gauss"] = gauss(X, s["gauss"])
    if "ae" in s["models"]:
        out["ae"] = autoencoder(X, split, s["ae"])
    import sklearn

    out["versions"] = {"sklearn": sklearn.__version__, "numpy": np.__version__}
    if "ae" in s["models"]:
        import torch

        out["versions"]["torch"] = torch.__version__
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
