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


peak_normalise = data.peak_normalise


@torch.no_grad()
def embed_cries(model: torch.nn.Module, waves: list[np.ndarray], mean_subtraction: str = "utterance"
                ) -> torch.Tensor:
    """One embedding per cry waveform (16 kHz): peak-normalise, fbank, mean subtraction (card convention),
    forward."""
    model.eval()
    out = []
    min_t = model.min_frames() if hasattr(model, "min_frames") else 1
    for w in waves:
        f = data.features(peak_normalise(w), mean_subtraction)
        if f.shape[0] < min_t:  # too short for the graph: repeat the frames
            f = f.repeat(int(np.ceil(min_t / f.shape[0])), 1)[:min_t]
        out.append(model(f.unsqueeze(0))[0])
    return torch.stack(out)


def clip_cry_waves(wave: np.ndarray, segments: list) -> list[np.ndarray]:
    dur = len(wave) / data.SAMPLE_RATE
    cries = [wave[int(a * data.SAMPLE_RATE): int(b * data.SAMPLE_RATE)] for a, b in data.embedding_cries(segments, dur)]
    cries = [c for c in cries if len(c) >= 400]  # a marked cry may run past the decoded audio's end
    return cries or [wave[: int(data.MAX_CRY_S * data.SAMPLE_RATE)]]


@torch.no_grad()
def clip_embeddings(model, recs: list, corpus: dict, mean_subtraction: str = "utterance") -> torch.Tensor:
    embs = []
    for r in recs:
        d = corpus[r.stem]
        cries = clip_cry_waves(d["wave"], d["segments"])
        e = F.normalize(embed_cries(model, cries, mean_subtraction), dim=1).mean(0)
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


def verify(model, recs: list, corpus: dict, mean_subtraction: str = "utterance") -> dict:
    emb = clip_embeddings(model, recs, corpus, mean_subtraction).numpy()
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


def logmel_meanstd_embeddings(recs: list, corpus: dict) -> torch.Tensor:
    """The protocol's trivial reference: mean and sd of 80 log-mel energies over the louder half of the frames."""
    out = []
    for r in recs:
        f = data.fbank(corpus[r.stem]["wave"])
        e = f.mean(1)
        keep = f[e >= e.median()]
        out.append(F.normalize(torch.cat([keep.mean(0), keep.std(0, unbiased=False)]), dim=0))
    return torch.stack(out)


def main(argv=None):
    import argparse
    import json
    from pathlib import Path

    ap = argparse.ArgumentParser(description="Python-side protocol C EER on the validation and the 14 evaluation "
                                             "infants (model selection only; official: npx iclas eval verification)")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--checkpoint", type=Path)
    g.add_argument("--card", type=Path)
    g.add_argument("--baseline", choices=["logmel-meanstd"])
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    recs = data.load_manifest()
    split = data.make_split(recs)
    corpus = data.corpus(recs)
    if args.checkpoint:
        from train import load_checkpoint
        model, ck = load_checkpoint(args.checkpoint)
        mean_subtraction = ck["meta"].get("mean_subtraction", "utterance")
    elif args.card:
        from onnx_io import load_from_onnx
        card = json.loads(args.card.read_text())
        model = load_from_onnx(args.card.parent / card["file"])
        mean_subtraction = card["input"]["mean_subtraction"]
    out = {}
    for name, infants in (("validation", split.validation), ("evaluation", split.evaluation)):
        rs = [r for r in recs if r.infant in set(infants)]
        if args.baseline:
            emb = logmel_meanstd_embeddings(rs, corpus).numpy()
            res = {}
            for key, same in (("eer", True), ("eer_all_pairs", False)):
                pairs, labels = trials(rs, same)
                res[key] = eer(np.sum(emb[pairs[:, 0]] * emb[pairs[:, 1]], axis=1), labels)
            out[name] = res
        else:
            out[name] = verify(model, rs, corpus, mean_subtraction)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
