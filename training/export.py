"""Export trained cry embeddings to models/<name>.onnx with a model card models/<name>.card.json.

  /usr/bin/python3 training/export.py \
      --model ecapa-c256-aam=training/checkpoints/ft-aam.pt \
      --model ecapa-c256-ge2e=training/checkpoints/ft-ge2e.pt \
      --model ecapa-c256-ntxent=training/checkpoints/ft-ntxent.pt \
      --random ecapa-c256-random --default ecapa-c256-aam

Features stay outside the graph (WeSpeaker / 3D-Speaker convention): input `feats` [B, T, 80] = Kaldi fbank
minus its mean over time; output `embs` [B, 192], not L2-normalised. Every model is scored here (PyTorch,
weights read back from the exported ONNX file) on the validation infants and on the 14 evaluation infants
(protocol C, same-platform trials); the official figures come from `npx iclas eval verification`.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import verification  # noqa: E402
from ecapa import EcapaConfig, EcapaTdnn, count_parameters  # noqa: E402
from onnx_io import INPUT_NAME, OPSET, OUTPUT_NAME, export_onnx, load_from_onnx  # noqa: E402
from train import load_checkpoint  # noqa: E402

MODELS = data.REPO / "models"
RANDOM_SEED = 20240611

FBANK_REFERENCE = ("torchaudio.compliance.kaldi.fbank(wave*32768, num_mel_bins=80, frame_length=25, frame_shift=10, "
                   "dither=0.0, sample_frequency=16000, window_type='hamming', use_energy=False, energy_floor=0.0)")
CONVENTIONS = {
    "utterance": {
        "reference": FBANK_REFERENCE + "; feats - feats.mean(0)",
        "per_cry_preprocessing": "the cry waveform is peak-normalised before fbank in training and evaluation "
                                 "(it only shifts log-mel values by a constant, which mean subtraction removes)",
        "why": "WeSpeaker / 3D-Speaker convention: per-utterance mean subtraction removes the channel (phone, "
               "room) spectral envelope, as speaker models do to generalise across channels",
    },
    "none": {
        "reference": FBANK_REFERENCE + " of the peak-normalised cry; no mean subtraction",
        "per_cry_preprocessing": "the cry waveform is peak-normalised (divided by its absolute peak) before fbank, "
                                 "in training and evaluation; the features are absolute log-mel energies",
        "why": "keeps the spectral envelope: in Donate-a-Cry each infant's recordings share one phone in one room, "
               "so the envelope is an identity cue that per-utterance mean subtraction throws away",
    },
}


def input_spec(mean_subtraction: str) -> dict:
    conv = CONVENTIONS[mean_subtraction]
    return {
        "name": INPUT_NAME, "layout": "BTF", "num_mel_bins": 80, "frame_length_ms": 25, "frame_shift_ms": 10,
        "window": "hamming", "sample_rate": 16000, "waveform_scale": 32768, "dither": 0, "preemphasis": 0.97,
        "remove_dc_offset": True, "low_freq": 20, "high_freq": 0, "snip_edges": True, "energy_floor": 0,
        "mean_subtraction": mean_subtraction, "use_energy": False, "use_log_fbank": True, "use_power": True,
        "round_to_power_of_two": True, "log_floor": "FLT_EPSILON (1.1920929e-07)",
        "reference": conv["reference"], "per_cry_preprocessing": conv["per_cry_preprocessing"],
        "convention": conv["why"],
    }


def describe_training(meta: dict) -> dict:
    if meta.get("stage") == "clip":  # training/train_clip.py: one stage from random init
        return {"clip": {k: v for k, v in meta.items() if k not in (
            "train_infants", "validation_infants", "split_rule", "validation") and v is not None},
            "script": "training/train_clip.py", "validation_eer": (meta.get("validation") or {}).get("eer")}
    pre = meta.get("init", {}).get("pretrain", {})
    keys = ("loss", "steps", "best_step", "lr", "weight_decay", "optimizer", "schedule", "batch", "crop_frames",
            "seed", "aam", "ge2e", "ntxent", "copies", "specaug", "wall_s", "history")
    return {
        "pretrain": {**{k: pre.get(k) for k in keys if pre.get(k) is not None}, "init": "random (seed above)",
                     "validation_eer": (pre.get("validation") or {}).get("eer")},
        "finetune": {**{k: meta.get(k) for k in keys if meta.get(k) is not None}, "frozen": meta.get("frozen"),
                     "trained": ["blocks.2 (third SE-Res2Block)", "mfa", "pool", "pool_bn", "head"],
                     "loss_head_lr": meta.get("head_lr"),
                     "validation_eer": (meta.get("validation") or {}).get("eer"),
                     "validation_eer_at_start": meta.get("validation_eer_at_start")},
    }


def score(model: EcapaTdnn, recs, corpus, split, mean_subtraction: str) -> dict:
    val = [r for r in recs if r.infant in set(split.validation)]
    ev = [r for r in recs if r.infant in set(split.evaluation)]
    v = verification.verify(model, val, corpus, mean_subtraction)
    e = verification.verify(model, ev, corpus, mean_subtraction)
    return {
        "validation_eer": round(v["eer"], 4), "validation_eer_all_pairs": round(v["eer_all_pairs"], 4),
        "validation_min_dcf": round(v["min_dcf"], 4),
        "validation_trials": {"target": v["target_trials"], "nontarget": v["nontarget_trials"],
                              "infants": v["infants"], "recordings": v["recordings"]},
        "heldout_eer": round(e["eer"], 4), "heldout_eer_all_pairs": round(e["eer_all_pairs"], 4),
        "heldout_min_dcf": round(e["min_dcf"], 4),
        "heldout_trials": {"target": e["target_trials"], "nontarget": e["nontarget_trials"],
                           "infants": e["infants"], "recordings": e["recordings"]},
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", default=[], help="NAME=CHECKPOINT (fine-tuned)")
    ap.add_argument("--random", help="NAME of the random-init floor (same architecture, fixed seed)")
    ap.add_argument("--channels", type=int, default=256, help="width of the random-init floor")
    ap.add_argument("--default", help="NAME written to models/default.json")
    ap.add_argument("--note", action="append", default=[], help="NAME=text added to that card's training.note")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out-dir", type=Path, default=MODELS, help="where models and cards go (default models/; "
                    "another folder to try a model with `iclas eval verification --models DIR` first)")
    args = ap.parse_args(argv)
    out_dir = args.out_dir
    notes = dict(n.split("=", 1) for n in args.note)
    torch.set_num_threads(args.threads)

    recs = data.load_manifest()
    split = data.make_split(recs)
    corpus = data.corpus(recs)
    cards = {}
    for spec in args.model:
        name, ck_path = spec.split("=", 1)
        model, ck = load_checkpoint(Path(ck_path))
        log = Path(ck_path).with_suffix(".log.jsonl")
        if log.exists():  # the fine-tuning's starting point, scored before its first step
            first = json.loads(log.read_text().splitlines()[0])
            ck["meta"]["validation_eer_at_start"] = first["val"]["eer"]
        cards[name] = (model, ck["meta"])
    if args.random:
        torch.manual_seed(RANDOM_SEED)
        cards[args.random] = (EcapaTdnn(EcapaConfig(channels=args.channels)), None)

    results = {}
    for name, (model, meta) in cards.items():
        onnx_path = out_dir / f"{name}.onnx"
        export_onnx(model, onnx_path)
        reloaded = load_from_onnx(onnx_path)  # score exactly what was exported
        ms = (meta or {}).get("mean_subtraction", "utterance")
        metrics = score(reloaded, recs, corpus, split, ms)
        print(name, json.dumps(metrics), flush=True)
        cfg = model.cfg.to_json()
        card = {
            "format_version": 1, "name": name, "kind": "onnx-embedding", "file": onnx_path.name,
            "sha256": data.sha256_file(onnx_path),
            "description": "",
            "input": {**input_spec(ms), "min_frames": model.min_frames()},
            "output": {"name": OUTPUT_NAME, "dim": cfg["embedding_dim"], "l2_normalized": False},
            "architecture": {"type": "ECAPA-TDNN", "channels": cfg["channels"],
                             "attention_channels": cfg["attention_channels"], "parameters": count_parameters(model),
                             "mfa_channels": cfg["mfa_channels"], "se_channels": cfg["se_channels"],
                             "res2net_scale": cfg["res2net_scale"], "dilations": cfg["dilations"],
                             "global_context": cfg["global_context"], "embedding_dim": cfg["embedding_dim"],
                             "layer_order": "conv -> ReLU -> BatchNorm (SpeechBrain)", "padding": "reflect, same",
                             "onnx_opset": OPSET, "onnx_bytes": onnx_path.stat().st_size,
                             "source": "training/ecapa.py"},
            "loss": meta["loss"] if meta else "none",
            "objective": (meta or {}).get("objective", "per-crop embeddings" if meta else "none"),
            "training": None, "metrics": None, "comparison": None,
        }
        if meta:
            card["training"] = {
                **describe_training(meta),
                "train_infants": meta["train_infants"], "validation_infants": meta["validation_infants"],
                "evaluation_infants_excluded": split.evaluation, "split_rule": meta["split_rule"],
                "split_seed": split.seed,
                "data": "shared/datasets/donateacry recordings with curation cry or unreviewed, resampled to 16 kHz "
                        "(Android 8 kHz AMR clips upsampled); " + (
                            "training crops of 50-200 frames (0.5-2 s) taken from a recording's concatenated cry "
                            "frames (TextGrid cries for curated clips, an energy segmenter for unreviewed ones), "
                            "fbank minus crop mean" if meta.get("stage") != "clip" else
                            f"per batch {meta['recordings_per_batch']} recordings x {meta['crops_per_recording']} "
                            f"crops of {meta['crop_frames'][0]}-{meta['crop_frames'][1]} frames from the recording's "
                            "embedding cries (TextGrid cries for curated clips, an energy segmenter for unreviewed "
                            "ones; >= 0.3 s, cut into <= 3 s pieces), each cry peak-normalised and fbanked on its own "
                            "as at evaluation (data.cry_bank); features: " + (
                                "fbank minus crop mean" if ms == "utterance" else "absolute fbank")),
                "augmentation": data.AugmentConfig().describe() + f"; {meta['n_aug_copies']} augmented copies "
                                "per recording precomputed + the clean copy, one drawn per crop",
                "seed": meta["seed"],
            }
            if name in notes:
                card["training"]["note"] = notes[name]
            assert not (set(meta["train_infants"]) | set(meta["validation_infants"])) & set(split.evaluation)
        else:
            card["training"] = {"pretrain": None, "finetune": None, "train_infants": [], "validation_infants": [],
                                "data": "none: random initialisation", "augmentation": "none",
                                "seed": RANDOM_SEED,
                                "note": f"torch.manual_seed({RANDOM_SEED}); EcapaTdnn(EcapaConfig(channels="
                                        f"{args.channels})) in eval mode (BatchNorm at identity statistics)"}
        card["metrics"] = {**metrics,
                           "protocol": "C (same-platform trials); clip embedding = mean of L2-normalised cry "
                                       "embeddings, L2-normalised; cosine score; cries = TextGrid cries (curated) or "
                                       "energy-segmenter events (unreviewed) of >= 0.3 s, cut into <= 3 s pieces",
                           "heldout_infants": split.evaluation,
                           "note": "Python-side figures; the official figures come from `npx iclas eval verification`"}
        results[name] = card
    # comparison across all variants exported together
    # comparison across every model in models/ (cards not exported now keep their weights and metrics; only
    # their comparison block is refreshed)
    keys = ("validation_eer", "heldout_eer", "heldout_eer_all_pairs", "heldout_min_dcf")
    others = {}
    for p in sorted(out_dir.glob("*.card.json")):
        c = json.loads(p.read_text())
        if c["name"] not in results and c.get("metrics"):
            others[c["name"]] = c
    comp = {}
    for name, card in {**others, **results}.items():
        comp[name] = {"loss": card["loss"], "mean_subtraction": card["input"]["mean_subtraction"],
                      **{k: card["metrics"][k] for k in keys}}
    for name, card in results.items():
        card["comparison"] = comp
        card["description"] = describe(card)
        (out_dir / f"{name}.card.json").write_text(json.dumps(card, indent=2) + "\n")
    for name, card in others.items():
        card["comparison"] = comp
        (out_dir / f"{name}.card.json").write_text(json.dumps(card, indent=2) + "\n")
    if args.default:
        assert args.default in results
        (out_dir / "default.json").write_text(json.dumps({"backbone": args.default}, indent=2) + "\n")
    print(json.dumps(comp, indent=2))


def describe(card: dict) -> str:
    a = card["architecture"]
    if card["loss"] == "none":
        return (f"Random-initialised ECAPA-TDNN (C={a['channels']}, {a['parameters']:,} parameters): the evaluation "
                f"floor. Same architecture and input as the trained variants, never trained.")
    loss = {"aam": "AAM-softmax on infant identity", "ge2e": "GE2E on infant identity",
            "ntxent": "NT-Xent (SimCLR, two augmented views of a recording's cries, no labels)"}[card["loss"]]
    if card["training"].get("script") == "training/train_clip.py":
        t = card["training"]["clip"]
        feats = ("absolute log-mel (Kaldi fbank) of the peak-normalised cry, no mean subtraction"
                 if card["input"]["mean_subtraction"] == "none" else "Kaldi fbank minus utterance mean")
        return (f"ECAPA-TDNN cry embedding (C={a['channels']}, {a['parameters']:,} parameters) trained from random "
                f"init on Donate-a-Cry infants for clip-level verification: {loss} on recording embeddings (mean "
                f"of {t['crops_per_recording']} crop embeddings), dropout {t['dropout_before_head']} before the head, "
                f"SpecAugment, early stopping on validation EER. Input: {feats}.")
    return (f"ECAPA-TDNN cry embedding (C={a['channels']}, {a['parameters']:,} parameters) trained on Donate-a-Cry "
            f"infants with {loss}: pre-training from random init, then partial fine-tuning (conv front and "
            f"SE-Res2Blocks 1-2 frozen, AdamW lr 1e-5, weight decay 1e-4). Input: Kaldi fbank minus utterance mean.")


if __name__ == "__main__":
    main()
