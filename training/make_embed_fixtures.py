"""ONNX-vs-PyTorch parity fixtures for the default cry embedding.

  /usr/bin/python3 training/make_embed_fixtures.py   ->  test/fixtures/embed/{index.json, *.wave.f32}

Six project-made cry-like waveforms (harmonics over a rising-falling f0 in 350-600 Hz, 0.4-2.5 s, with noise;
peak exactly 1.0 so a peak-normalising pipeline leaves them unchanged), float32 little-endian at 16 kHz, and the
embeddings the PyTorch module computes for them: torchaudio Kaldi fbank -> minus mean over time (unless the card's
input.mean_subtraction is "none") -> EcapaTdnn
(weights read from the ONNX file's initializers, or --checkpoint). The TypeScript test runs fbank + ONNX and
requires a cosine distance <= 1e-4.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402

OUT = data.REPO / "test" / "fixtures" / "embed"


def cry(dur: float, f0_lo: float, f0_hi: float, rise: float, noise: float, rng) -> np.ndarray:
    """f0 rises from f0_lo to f0_hi over `rise` of the cry, then falls back; 6 decaying harmonics, onset/offset
    ramps, a little jitter and white noise."""
    sr = data.SAMPLE_RATE
    n = int(round(dur * sr))
    t = np.arange(n) / sr
    u = t / dur
    shape = np.where(u < rise, u / rise, (1 - u) / (1 - rise))
    f0 = f0_lo + (f0_hi - f0_lo) * np.sin(0.5 * np.pi * shape)
    f0 = f0 * (1 + 0.01 * np.convolve(rng.standard_normal(n), np.ones(400) / 400, mode="same") * 20)
    ph = 2 * np.pi * np.cumsum(f0) / sr
    x = sum((0.65 ** h) * np.sin((h + 1) * ph + rng.uniform(0, 2 * np.pi)) for h in range(6))
    env = np.minimum(1, np.minimum(t / 0.03, (dur - t) / 0.05)).clip(0, 1)
    x = x * env + noise * rng.standard_normal(n)
    return (x / np.max(np.abs(x))).astype(np.float32)


CASES = [  # name, seconds, f0 low, f0 high, position of the f0 peak, noise sd
    ("cry_0400ms", 0.40, 360, 520, 0.4, 0.01),
    ("cry_0750ms", 0.75, 350, 600, 0.5, 0.02),
    ("cry_1100ms", 1.10, 380, 560, 0.3, 0.05),
    ("cry_1500ms", 1.50, 400, 600, 0.6, 0.01),
    ("cry_2000ms", 2.00, 350, 480, 0.5, 0.08),
    ("cry_2500ms", 2.50, 420, 590, 0.45, 0.03),
]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--card", type=Path, help="model card (default: models/default.json's backbone)")
    ap.add_argument("--checkpoint", type=Path, help="use this training checkpoint's PyTorch weights")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    from reference_embed import load_model

    card_path = args.card
    if card_path is None:
        default = json.loads((data.REPO / "models" / "default.json").read_text())["backbone"]
        card_path = data.REPO / "models" / f"{default}.card.json"
    card = json.loads(card_path.read_text())
    model, _ = load_model(card_path, args.checkpoint)
    model.eval()
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(4)
    cases = []
    for name, dur, lo, hi, rise, noise in CASES:
        x = cry(dur, lo, hi, rise, noise, rng)
        x.astype("<f4").tofile(OUT / f"{name}.wave.f32")
        feats = data.features(x, card["input"]["mean_subtraction"])
        with torch.no_grad():
            e = model(feats.unsqueeze(0))[0]
        cases.append({"name": name, "wave": f"{name}.wave.f32", "samples": int(len(x)), "sample_rate": 16000,
                      "frames": int(feats.shape[0]), "f0_hz": [lo, hi], "noise_sd": noise,
                      "embedding": [round(float(v), 7) for v in e],
                      "embedding_l2norm": float(e.norm()),
                      "embedding_normalized": [round(float(v), 7) for v in F.normalize(e, dim=0)]})
    index = {
        "format_version": 1, "generator": "training/make_embed_fixtures.py",
        "model": card["name"], "onnx": card["file"], "sha256": card["sha256"],
        "weights_source": str(args.checkpoint) if args.checkpoint else "ONNX initializers -> PyTorch module",
        "pipeline": "wave (peak 1.0, no further normalisation) * 32768 -> torchaudio.compliance.kaldi.fbank("
                    "num_mel_bins=80, frame_length=25, frame_shift=10, dither=0, sample_frequency=16000, "
                    "window_type='hamming', use_energy=False, energy_floor=0) -> "
                    + ("minus mean over time" if card["input"]["mean_subtraction"] == "utterance"
                       else "no mean subtraction") + " -> PyTorch EcapaTdnn (eval) -> embs (raw, not L2-normalised)",
        "mean_subtraction": card["input"]["mean_subtraction"],
        "input_name": card["input"]["name"], "output_name": card["output"]["name"],
        "tolerance": {"cosine_distance_max": 1e-4},
        "cases": cases,
    }
    (OUT / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{len(cases)} cases for {card['name']}, {total / 1024:.0f} KiB in {OUT}")


if __name__ == "__main__":
    main()
