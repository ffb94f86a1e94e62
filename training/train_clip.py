"""Train the cry embedding for clip-level verification (protocol C embeds a recording as the L2-normalised mean
of its cries' embeddings, so the objective is computed on the same thing).

  /usr/bin/python3 training/train_clip.py --loss aam --mean-subtraction none --channels 128 \
      --out training/checkpoints/clip-none-aam.pt

A batch is R recordings x K crops; each crop comes from the recording's own embedding cries (data.cry_bank:
every cry peak-normalised and fbanked on its own, exactly as at evaluation), from a randomly drawn clean or
augmented copy, with SpecAugment masks. The recording embedding is the normalised mean of its K normalised crop
embeddings, and the loss is taken on those:
- aam:  AAM-softmax on infant identity over recording embeddings (all training infants, R random recordings);
- ge2e: GE2E over recording embeddings: N infants with >= 2 training recordings x 2 different recordings each,
        so an infant's positives are always other recordings, never other crops of the same one.
Regularisation against memorising recordings: dropout before the head, weight decay, SpecAugment, augmented
copies, early stopping on the validation infants' same-platform EER (the evaluation infants are never loaded).
`--mean-subtraction none` keeps the absolute log-mel (the phone and room envelope); `utterance` is the
WeSpeaker / 3D-Speaker convention (each crop minus its mean over time).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import verification  # noqa: E402
from ecapa import EcapaConfig, EcapaTdnn  # noqa: E402
from losses import AAMSoftmax, GE2ELoss  # noqa: E402
from train import load_checkpoint, set_seed  # noqa: E402


class CryCrops:
    """Crops of a recording's concatenated embedding-cry frames, feature-normalised as the card says."""

    def __init__(self, bank: dict, rng: np.random.Generator, mean_subtraction: str, specaug: bool):
        self.bank, self.rng, self.ms, self.specaug = bank, rng, mean_subtraction, specaug

    def crop(self, stem: str, n_frames: int) -> torch.Tensor:
        b, _ = self.bank[stem]
        v = int(self.rng.integers(b.shape[0]))
        idx = torch.arange(b.shape[1])
        if len(idx) < n_frames:
            idx = idx.repeat(int(math.ceil(n_frames / len(idx))))
        s = int(self.rng.integers(0, len(idx) - n_frames + 1))
        f = data.normalise_features(b[v, idx[s: s + n_frames]].float(), self.ms)
        if self.specaug:  # masks filled with the crop's mean (0 after mean subtraction)
            fill = f.mean()
            for _ in range(2):
                w = int(self.rng.integers(0, 9))
                f0 = int(self.rng.integers(0, 80 - w + 1))
                f[:, f0: f0 + w] = fill
            w = int(self.rng.integers(0, min(11, n_frames // 5) + 1))
            t0 = int(self.rng.integers(0, n_frames - w + 1))
            f[t0: t0 + w] = fill
        return f


def recording_embeddings(model: EcapaTdnn, x: torch.Tensor, n_recordings: int, n_crops: int) -> torch.Tensor:
    e = F.normalize(model(x), dim=1).view(n_recordings, n_crops, -1).mean(1)
    return F.normalize(e, dim=1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--loss", choices=["aam", "ge2e"], default="aam")
    ap.add_argument("--mean-subtraction", choices=data.MEAN_SUBTRACTION, default="none")
    ap.add_argument("--init", type=Path, help="continue from a checkpoint (its config and weights)")
    ap.add_argument("--channels", type=int, default=128)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-2)
    ap.add_argument("--recordings", type=int, default=32, help="R recordings per batch (aam)")
    ap.add_argument("--infants", type=int, default=16, help="N infants x 2 recordings per batch (ge2e)")
    ap.add_argument("--crops", type=int, default=3, help="K crops per recording")
    ap.add_argument("--min-frames", type=int, default=40)
    ap.add_argument("--max-frames", type=int, default=200)
    ap.add_argument("--margin", type=float, default=0.2)
    ap.add_argument("--scale", type=float, default=30.0)
    ap.add_argument("--n-aug", type=int, default=7)
    ap.add_argument("--no-specaug", dest="specaug", action="store_false")
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--patience", type=int, default=5, help="evaluations without a better validation EER")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    set_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    recs = data.load_manifest()
    split = data.make_split(recs)
    train_set, val_set = set(split.train), set(split.validation)
    train_recs = [r for r in recs if r.infant in train_set]
    val_recs = [r for r in recs if r.infant in val_set]
    assert not ({r.infant for r in train_recs + val_recs} & set(split.evaluation))
    corpus = data.corpus(recs)
    crops = CryCrops(data.cry_bank(recs, args.n_aug), rng, args.mean_subtraction, args.specaug)

    if args.init:
        model, ck0 = load_checkpoint(args.init)
        model.drop.p = args.dropout
        model.cfg.dropout = args.dropout
        assert ck0["meta"].get("mean_subtraction", "utterance") == args.mean_subtraction
    else:
        model = EcapaTdnn(EcapaConfig(channels=args.channels, dropout=args.dropout))
    infants = sorted(train_set)
    label_of = {i: k for k, i in enumerate(infants)}
    by_infant: dict[str, list] = {}
    for r in train_recs:
        by_infant.setdefault(r.infant, []).append(r)
    multi = [i for i in infants if len(by_infant[i]) >= 2]
    crit = (AAMSoftmax(model.cfg.embedding_dim, len(infants), args.margin, args.scale) if args.loss == "aam"
            else GE2ELoss())
    if args.init and "criterion" in ck0 and ck0["meta"].get("loss") == args.loss:
        crit.load_state_dict(ck0["criterion"])
    opt = torch.optim.AdamW(list(model.parameters()) + list(crit.parameters()), lr=args.lr,
                            weight_decay=args.weight_decay)
    warm = max(1, args.steps // 20)

    def lr_factor(step):  # linear warm-up then cosine decay to 5 %
        if step < warm:
            return (step + 1) / warm
        t = (step - warm) / max(1, args.steps - warm)
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t))

    def batch(n_frames):
        if args.loss == "aam":
            rs = [train_recs[i] for i in rng.integers(len(train_recs), size=args.recordings)]
            y = torch.tensor([label_of[r.infant] for r in rs])
        else:
            chosen = rng.choice(len(multi), size=min(args.infants, len(multi)), replace=False)
            rs = []
            for k in chosen:
                rr = by_infant[multi[k]]
                rs.extend(rr[j] for j in rng.choice(len(rr), size=2, replace=False))
            y = (len(chosen), 2)
        x = torch.stack([crops.crop(r.stem, n_frames) for r in rs for _ in range(args.crops)])
        return x, len(rs), y

    def evaluate():
        return verification.verify(model, val_recs, corpus, args.mean_subtraction)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    log = open(args.out.with_suffix(".log.jsonl"), "w")
    history, best, since_best = [], {"eer": float("inf"), "step": -1}, 0
    v0 = evaluate()
    print(json.dumps({"step": 0, "val": v0}), flush=True)
    if args.init:
        best = {"eer": v0["eer"], "step": 0, "val": v0}
        save(args, model, crit, best, split, history)
    t0 = time.time()
    run_loss, run_acc, n = 0.0, 0.0, 0
    for step in range(1, args.steps + 1):
        for g in opt.param_groups:
            g["lr"] = args.lr * lr_factor(step - 1)
        model.train()
        x, n_rec, y = batch(int(rng.integers(args.min_frames, args.max_frames + 1)))
        e = recording_embeddings(model, x, n_rec, args.crops)
        loss, acc = crit(e, y) if args.loss == "aam" else crit(e, *y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(model.parameters()) + list(crit.parameters()), 5.0)
        opt.step()
        run_loss, run_acc, n = run_loss + loss.item(), run_acc + acc.item(), n + 1
        if step % args.eval_every == 0 or step == args.steps:
            v = evaluate()
            rec = {"step": step, "loss": run_loss / n, "acc": run_acc / n, "val": v,
                   "elapsed_s": round(time.time() - t0, 1), "lr": opt.param_groups[0]["lr"]}
            history.append({"step": step, "loss": round(run_loss / n, 4), "acc": round(run_acc / n, 4),
                            "val_eer": round(v["eer"], 4)})
            run_loss, run_acc, n = 0.0, 0.0, 0
            print(json.dumps(rec), flush=True)
            log.write(json.dumps(rec) + "\n")
            log.flush()
            if v["eer"] < best["eer"]:
                best, since_best = {"eer": v["eer"], "step": step, "val": v}, 0
                save(args, model, crit, best, split, history)
            else:
                since_best += 1
                if since_best >= args.patience:
                    print(json.dumps({"early_stop": step}), flush=True)
                    break
    ck = torch.load(args.out)
    ck["meta"]["history"] = history
    ck["meta"]["wall_s"] = round(time.time() - t0, 1)
    ck["meta"]["stopped_at"] = step
    torch.save(ck, args.out)
    print(json.dumps({"best": best}), flush=True)


def save(args, model, crit, best, split, history):
    meta = {
        "stage": "clip", "loss": args.loss, "objective": f"{args.loss} on recording embeddings (normalised mean "
        f"of {args.crops} normalised crop embeddings per recording)",
        "mean_subtraction": args.mean_subtraction, "steps": args.steps, "best_step": best["step"],
        "validation": best.get("val"), "lr": args.lr, "weight_decay": args.weight_decay, "optimizer": "AdamW",
        "schedule": "linear warm-up 5 % then cosine to 5 % of lr", "dropout_before_head": args.dropout,
        "recordings_per_batch": args.recordings if args.loss == "aam" else 2 * args.infants,
        "crops_per_recording": args.crops, "crop_frames": [args.min_frames, args.max_frames], "seed": args.seed,
        "n_aug_copies": args.n_aug, "copies": "all", "specaug": args.specaug, "channels": model.cfg.channels,
        "init": str(args.init) if args.init else "random",
        "aam": {"margin": args.margin, "scale": args.scale} if args.loss == "aam" else None,
        "early_stopping": {"on": "validation same-platform EER", "every": args.eval_every,
                           "patience": args.patience},
        "train_infants": split.train, "validation_infants": split.validation, "split_rule": split.rule,
        "history": history,
    }
    torch.save({"config": model.cfg.to_json(), "state_dict": model.state_dict(),
                "criterion": crit.state_dict(), "meta": meta}, args.out)


if __name__ == "__main__":
    main()
