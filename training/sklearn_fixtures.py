"""Golden fixtures for the TypeScript anomaly models: scikit-learn's OneClassSVM and GaussianMixture.

  /usr/bin/python3 training/sklearn_fixtures.py   ->  test/fixtures/anomaly/{index.json, *.train.f32, *.test.f32}

Datasets are project-made and synthetic: embedding-like clouds (rows L2-normalised, 192-d, a few overlapping
clusters, like one infant's cries) and a 2-D toy. Rows are stored as float32 little-endian, row-major; scikit-learn
is fitted on exactly those values (cast to float64), so both sides see the same input.

OneClassSVM: RBF, gamma='scale', the library's defaults otherwise (tol 1e-3, shrinking); decision_function on the
training and test rows, plus gamma, rho and the support set.
GaussianMixture: each covariance type, K 2 and 3, reg_covar 1e-6 (and 1e-3 once); initialised from the hard labels
of a fixed KMeans run (stored), i.e. weights/means/precisions computed by scikit-learn's own M-step from those
labels, which is what init_params='kmeans' does. Stored: score_samples on train and test, final weights and means,
n_iter_, converged_, lower_bound_, bic on train.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky, _estimate_gaussian_parameters
from sklearn.svm import OneClassSVM

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "test" / "fixtures" / "anomaly"


def l2(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def embedding_cloud(rng, n, d, centres, spread):
    """Rows near a few random directions, L2-normalised: what one infant's cry embeddings look like."""
    idx = rng.integers(0, len(centres), n)
    return l2(centres[idx] + spread * rng.standard_normal((n, d)))


def datasets():
    rng = np.random.default_rng(20250605)
    d = 192
    out = []
    c3 = rng.standard_normal((3, d))
    other = rng.standard_normal((1, d))
    train = embedding_cloud(rng, 60, d, c3, 0.9)
    test = np.vstack([embedding_cloud(rng, 10, d, c3, 0.9), embedding_cloud(rng, 10, d, other, 0.9)])
    out.append(("cloud60", "60 x 192, 3 overlapping clusters, L2 rows; test: 10 same clusters, 10 new one", train, test))

    c4 = rng.standard_normal((4, d)) * np.array([[1.0], [1.0], [0.7], [1.3]])
    other = rng.standard_normal((2, d))
    train = embedding_cloud(rng, 300, d, c4, 0.8)
    test = np.vstack([embedding_cloud(rng, 20, d, c4, 0.8), embedding_cloud(rng, 20, d, other, 0.8)])
    out.append(("cloud300", "300 x 192, 4 clusters of unequal size, L2 rows; test: 20 same, 20 new", train, test))

    # Low intrinsic dimension (8) under 192-d noise, as real embeddings are: EM needs more than two steps here.
    basis = rng.standard_normal((8, d))
    c3 = rng.standard_normal((3, 8))
    other = rng.standard_normal((1, 8)) * 2.5
    noise = 0.05 * np.sqrt(8)

    def manifold(n, centres):
        z = centres[rng.integers(0, len(centres), n)] + rng.standard_normal((n, 8))
        return l2(z @ basis + noise * rng.standard_normal((n, d)))

    train = manifold(200, c3)
    test = np.vstack([manifold(20, c3), manifold(20, other)])
    out.append(("manifold200", "200 x 192 on an 8-d subspace plus noise, 3 clusters, L2 rows; test: 20 same, 20 new",
                train, test))

    a = rng.standard_normal((25, 2)) * [0.6, 0.3] + [0.0, 0.0]
    b = rng.standard_normal((15, 2)) * [0.3, 0.5] + [1.5, 1.0]
    train = np.vstack([a, b])
    gx, gy = np.meshgrid(np.linspace(-2, 3, 5), np.linspace(-1.5, 2.5, 5))
    test = np.column_stack([gx.ravel(), gy.ravel()])
    out.append(("toy2d", "40 x 2, two overlapping blobs; test: 5 x 5 grid", train, test))
    # Both sides fit on the float32 values that are stored.
    return [(name, desc, tr.astype(np.float32), te.astype(np.float32)) for name, desc, tr, te in out]


def write_f32(name, arr):
    path = OUT / name
    np.ascontiguousarray(arr, dtype="<f4").tofile(path)
    return name


def ocsvm_case(name, Xtr, Xte, nu):
    m = OneClassSVM(kernel="rbf", gamma="scale", nu=nu).fit(Xtr)
    return {
        "dataset": name,
        "nu": nu,
        "gamma": float(m._gamma),
        "rho": float(-m.intercept_[0]),
        "support": m.support_.tolist(),
        "dual_coef": m.dual_coef_.ravel().tolist(),
        "decision_train": m.decision_function(Xtr).tolist(),
        "decision_test": m.decision_function(Xte).tolist(),
    }


def gmm_case(name, Xtr, Xte, k, cov, reg, seed):
    labels = KMeans(n_clusters=k, n_init=1, random_state=seed).fit(Xtr).labels_
    resp = np.zeros((len(Xtr), k))
    resp[np.arange(len(Xtr)), labels] = 1
    # What GaussianMixture._initialize does with these responsibilities.
    weights, means, covs = _estimate_gaussian_parameters(Xtr, resp, reg, cov)
    weights /= len(Xtr)
    prec_chol = _compute_precision_cholesky(covs, cov)
    if cov == "full":
        precisions = np.array([p @ p.T for p in prec_chol])
    elif cov == "tied":
        precisions = prec_chol @ prec_chol.T
    else:
        precisions = prec_chol**2
    g = GaussianMixture(
        n_components=k, covariance_type=cov, reg_covar=reg, tol=1e-3, max_iter=100, n_init=1,
        weights_init=weights, means_init=means, precisions_init=precisions, random_state=0,
    ).fit(Xtr)
    return {
        "dataset": name,
        "k": k,
        "covariance_type": cov,
        "reg_covar": reg,
        "tol": 1e-3,
        "max_iter": 100,
        "init_labels": labels.tolist(),
        "n_iter": int(g.n_iter_),
        "converged": bool(g.converged_),
        "lower_bound": float(g.lower_bound_),
        "weights": g.weights_.tolist(),
        "means": g.means_.ravel().tolist(),
        "score_train": g.score_samples(Xtr).tolist(),
        "score_test": g.score_samples(Xte).tolist(),
        "bic_train": float(g.bic(Xtr)),
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    index = {"sklearn": sklearn.__version__, "numpy": np.__version__, "datasets": [], "ocsvm": [], "gmm": []}
    for name, desc, Xtr, Xte in datasets():
        index["datasets"].append({
            "name": name, "description": desc, "d": Xtr.shape[1],
            "n_train": len(Xtr), "train": write_f32(f"{name}.train.f32", Xtr),
            "n_test": len(Xte), "test": write_f32(f"{name}.test.f32", Xte),
        })
        X64, T64 = Xtr.astype(np.float64), Xte.astype(np.float64)
        for nu in (0.05, 0.1, 0.5):
            index["ocsvm"].append(ocsvm_case(name, X64, T64, nu))
        for cov in ("full", "diag", "tied"):
            for k in (2, 3):
                index["gmm"].append(gmm_case(name, X64, T64, k, cov, 1e-6, seed=k))
        index["gmm"].append(gmm_case(name, X64, T64, 2, "full", 1e-3, seed=7))
    with open(OUT / "index.json", "w") as f:
        json.dump(index, f, indent=1)
    for c in index["ocsvm"]:
        print(f"ocsvm {c['dataset']:9s} nu={c['nu']:<4} gamma={c['gamma']:.4f} nSV={len(c['support'])}")
    for c in index["gmm"]:
        print(f"gmm   {c['dataset']:9s} {c['covariance_type']:4s} K={c['k']} reg={c['reg_covar']:g} "
              f"iters={c['n_iter']} converged={c['converged']} lb={c['lower_bound']:.3f}")


if __name__ == "__main__":
    main()
