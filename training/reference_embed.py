"""Python reference path for the embedding benchmark: torchaudio Kaldi fbank + PyTorch ECAPA forward per cry.

  /usr/bin/python3 training/reference_embed.py --card models/ecapa-c256-aam.card.json cry1.wav cry2.flac ...
  /usr/bin/python3 training/reference_embed.py --f32 cries.f32 --offsets offsets.json   # [[start, length], ...]
  /usr/bin/python3 training/reference_embed.py --synthetic 200                           # project-made cries

Weights are read from the ONNX file's initializers into the PyTorch module (no duplicate checkpoint in the
repository); --checkpoint loads a training checkpoint instead. Each input file (or offset range, in samples) is one
cry, 16 kHz mono. Prints one JSON object: {"cries", "seconds_audio", "wall_s", "cries_per_s", "x_realtime", ...}.
wall_s covers fbank + mean subtraction + forward of every cry, after model loading and `--warmup` untimed cries.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402


def load_model(card: Path | None, checkpoint: Path | None):
    """(model, name); the feature convention is `mean_subtraction_of(card, checkpoint)`."""
    if checkpoint:
        from train import load_checkpoint

        model, _ = load_checkpoint(checkpoint)
        return model.eval(), str(checkpoint)
    from onnx_io import load_from_onnx

    if card is None:
        default = json.loads((data.REPO / "models" / "default.json").read_text())["backbone"]
        card = data.REPO / "models" / f"{default}.card.json"
    c = json.loads(Path(card).read_text())
    onnx_path = Path(card).parent / c["file"]
    return load_from_onnx(onnx_path), c["name"]


def mean_subtraction_of(card: Path | None, checkpoint: Path | None) -> str:
    """The model's input.mean_subtraction ("utterance" or "none")."""
    if checkpoint:
        return torch.load(checkpoint, map_location="cpu")["meta"].get("mean_subtraction", "utterance")
    if card is None:
        default = json.loads((data.REPO / "models" / "default.json").read_text())["backbone"]
        card = data.REPO / "models" / f"{default}.card.json"
    return json.loads(Path(card).read_text())["input"]["mean_subtraction"]


def synthetic_cries(n: int, seed: int = 0) -> list[np.ndarray]:
    """Cry-like harmonic signals, 0.4-2.5 s, rising-falling f0 between 350 and 600 Hz, with noise."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        dur = rng.uniform(0.4, 2.5)
        t = np.arange(int(dur * data.SAMPLE_RATE)) / data.SAMPLE_RATE
        f0 = 350 + 250 * np.sin(np.pi * t / dur) ** 1.5 * rng.uniform(0.6, 1.0)
        ph = 2 * np.pi * np.cumsum(f0) / data.SAMPLE_RATE
        x = sum(0.6 ** h * np.sin((h + 1) * ph) for h in range(6)) * np.sin(np.pi * t / dur) ** 0.3
        x = x + 0.02 * rng.standard_normal(len(t))
        out.append((x / np.max(np.abs(x))).astype(np.float32))
    return out


def read_cries(args) -> list[np.ndarray]:
    cries = []
    if args.synthetic:
        cries.extend(synthetic_cries(args.synthetic))
    if args.f32:
        wave = np.fromfile(args.f32, dtype="<f4")
        offsets = json.loads(Path(args.offsets).read_text()) if args.offsets else [[0, len(wave)]]
        cries.extend(wave[int(s): int(s) + int(n)] for s, n in offsets)
    for f in args.files:
        x, sr = sf.read(f, dtype="float32", always_2d=True)
        if sr != data.SAMPLE_RATE:
            raise SystemExit(f"{f}: {sr} Hz, expected 16000 Hz mono")
        cries.append(x.mean(axis=1))
    return cries


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--card", type=Path, help="model card (default: models/default.json's backbone)")
    ap.add_argument("--checkpoint", type=Path)
    ap.add_argument("--f32", type=Path, help="one float32 little-endian 16 kHz file holding many cries")
    ap.add_argument("--offsets", type=Path, help="JSON [[start_sample, n_samples], ...] into --f32")
    ap.add_argument("--synthetic", type=int, default=0, help="add N synthetic cries")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--embeddings", type=Path, help="also write the embeddings (JSON) here")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    model, name = load_model(args.card, args.checkpoint)
    cries = read_cries(args)
    if not cries:
        raise SystemExit("no cries given")
    min_t = model.min_frames()
    mean_subtraction = mean_subtraction_of(args.card, args.checkpoint)

    def embed(x: np.ndarray) -> torch.Tensor:
        f = data.features(x, mean_subtraction)
        if f.shape[0] < min_t:
            f = f.repeat(int(np.ceil(min_t / max(1, f.shape[0]))), 1)[:min_t]
        return model(f.unsqueeze(0))[0]

    with torch.inference_mode():
        for x in cries[: args.warmup]:
            embed(x)
        embs = []
        t0 = time.perf_counter()
        for x in cries:
            embs.append(embed(x))
        wall = time.perf_counter() - t0
    secs = float(sum(len(x) for x in cries) / data.SAMPLE_RATE)
    out = {"cries": len(cries), "seconds_audio": round(secs, 3), "wall_s": round(wall, 4),
           "cries_per_s": round(len(cries) / wall, 2), "x_realtime": round(secs / wall, 2),
           "threads": args.threads, "model": name, "path": "torchaudio fbank + PyTorch forward",
           "torch": torch.__version__}
    if args.embeddings:
        args.embeddings.write_text(json.dumps([e.tolist() for e in embs]))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
