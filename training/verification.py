"""Python-side infant verification (protocol C of shared/docs/evaluation.md), for model selection only.

Clip embedding = mean of its cries' L2-normalised embeddings, L2-normalised; trials = every pair of recordings
of the given infants recorded on the same platform; target = same infant; score = cosine. The official figures
come from `npx iclas eval verification` on the TypeScript side.
"""
from __future__ import annotations

import itertools

import numpy as np
import torch
import torch.nn.functional as F

import data


def peak_normalise(x: np.ndarray) -> np.ndarray:
    p = float(np.max(np.abs(x))) if len(x) else 0.0
    return x / p if p > 0 else x


@torch.no_grad()
def embed_cries(model: torch.nn.Module, waves: list[np.ndarray]) -> torch.Tensor:
    """One embedding per cry waveform (16 kHz): peak-normalise, fbank, mean subtraction, forward."""
    model.eval()
    out = []
    min_t = model.min_frames() if hasattr(model, "min_frames") else 1
    for w in waves:
        f = data.features(peak_normalise(w))
        if f.shape[0] < min_t:  # too short for the graph: repeat the frames
            f = f.repeat(int(np.ceil(min_t / f.shape[0])), 1)[:min_t]
        out.append(model(f.unsqueeze(0))[0])
    return torch.stack(out)


def clip_cry_waves(wave: np.ndarray, segments: list) -> list[np.ndarray]:
    dur = len(wave) / data.SAMPLE_RATE
    return [wave[int(a * data.SAMPLE_RATE): int(b * data.SAMPLE_RATE)] for a, b in data.embedding_cries(segments, dur)]


@torch.no_grad()
def clip_embeddings(model, recs: list, corpus: dict) -> torch.Tensor:
    embs = []
    for r in recs:
        d = corpus[r.stem]
        e = F.normalize(embed_cries(model, clip_cry_waves(d["wave"], d["segments"])), dim=1).mean(0)
        embs.append(F.normalize(e, dim=0))
    return torch.stack(embs)


def eer(scores: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(labels, scores)
    fnr = 1 - tpr
    i = int(np.nanargmin(np.abs(fnr - fpr)))
    # interpolate between the two ROC points around the crossing
    if i + 1 < len(fpr) and (fnr[i] - fpr[i]) * (fnr[i + 1] - fpr[i + 1]) < 0:
        d0, d1 = fnr[i] - fpr[i], fnr[i + 1] - fpr[i + 1]
        t = d0 / (d0 - d1)
        return float(fpr[i] + t * (fpr[i + 1] - fpr[i]))
    return float((fpr[i] + fnr[i]) / 2)


def min_dcf(scores: np.ndarray, labels: np.ndarray, p_target: float = 0.05) -> float:
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(labels, scores)
    dcf = p_target * (1 - tpr) + (1 - p_target) * fpr
    return float(dcf.min() / min(p_target, 1 - p_target))


def trials(recs: list, same_platform: bool = True):
    pairs, labels = [], []
    for i, j in itertools.combinations(range(len(recs)), 2):
        if same_platform and recs[i].platform != recs[j].platform:
            continue
        pairs.append((i, j))
        labels.append(int(recs[i].infant == recs[j].infant))
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 2), np.asarray(labels)


def verify(model, recs: list, corpus: dict) -> dict:
    emb = clip_embeddings(model, recs, corpus).numpy()
    out = {"recordings": len(recs), "infants": len({r.infant for r in recs})}
    for key, same in (("", True), ("_all_pairs", False)):
        pairs, labels = trials(recs, same)
        s = np.sum(emb[pairs[:, 0]] * emb[pairs[:, 1]], axis=1)
        if labels.sum() == 0 or labels.sum() == len(labels):
            out["eer" + key] = float("nan")
            continue
        out["eer" + key] = eer(s, labels)
        if same:
            out["min_dcf"] = min_dcf(s, labels)
            out["target_trials"] = int(labels.sum())
            out["nontarget_trials"] = int(len(labels) - labels.sum())
    return out
