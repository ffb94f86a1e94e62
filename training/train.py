"""Train the ECAPA-TDNN cry embedding: pre-training from random init, then partial fine-tuning.

  /usr/bin/python3 training/train.py pretrain --loss aam --out training/checkpoints/pre-aam.pt
  /usr/bin/python3 training/train.py finetune --loss aam --init training/checkpoints/pre-aam.pt \
      --out training/checkpoints/ft-aam.pt
  /usr/bin/python3 training/train.py finetune --loss aam --speechbrain embedding_model.ckpt --channels 1024 ...

Fine-tuning follows the method: conv front + SE-Res2Blocks 1..2 frozen (weights and BatchNorm statistics),
upper block, aggregation, pooling and head trained with AdamW (lr 1e-5, weight decay 1e-4). The model is
selected on the validation infants' same-platform EER; the evaluation infants are never loaded here.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
import verification  # noqa: E402
from ecapa import EcapaConfig, EcapaTdnn, count_parameters  # noqa: E402
from losses import AAMSoftmax, GE2ELoss, NTXentLoss  # noqa: E402

FROZEN_FOR_FINETUNE = ("front", "blocks.0", "blocks.1")


class CropSampler:
    """Random crops of a recording's cry frames (concatenated expirations) from its fbank bank."""

    def __init__(self, recs, bank, corpus, rng: np.random.Generator, copies: str = "all", specaug: bool = False):
        self.recs, self.rng, self.specaug = recs, rng, specaug
        self.copy_choice = copies  # "all": clean + augmented copies; "clean": copy 0 only; "aug": augmented only
        self.frames = {}
        for r in recs:
            b = bank[r.stem]
            idx = data.cry_frame_index(corpus[r.stem]["segments"], b.shape[1])
            if len(idx) < 30:  # almost no marked cry: use the whole clip
                idx = np.arange(b.shape[1])
            self.frames[r.stem] = (b, torch.from_numpy(idx))

    def crop(self, stem: str, n_frames: int, copy: int | None = None) -> torch.Tensor:
        b, idx = self.frames[stem]
        if copy is not None:
            v = copy
        elif self.copy_choice == "clean":
            v = 0
        elif self.copy_choice == "aug":
            v = int(self.rng.integers(1, b.shape[0]))
        else:
            v = int(self.rng.integers(b.shape[0]))
        if len(idx) < n_frames:
            idx = idx.repeat(int(math.ceil(n_frames / len(idx))))
        s = int(self.rng.integers(0, len(idx) - n_frames + 1))
        f = b[v, idx[s: s + n_frames]].float()
        f = f - f.mean(0, keepdim=True)
        if self.specaug:  # SpecAugment-style masks on the normalised features (0 = the crop's mean)
            for _ in range(2):
                w = int(self.rng.integers(0, 9))
                f0 = int(self.rng.integers(0, 80 - w + 1))
                f[:, f0: f0 + w] = 0
            w = int(self.rng.integers(0, min(11, n_frames // 5) + 1))
            t0 = int(self.rng.integers(0, n_frames - w + 1))
            f[t0: t0 + w] = 0
        return f

    def n_copies(self, stem: str) -> int:
        return self.frames[stem][0].shape[0]


def set_seed(seed: int):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def freeze_lower(model: EcapaTdnn, parts=FROZEN_FOR_FINETUNE):
    for name, p in model.named_parameters():
        if any(name == q or name.startswith(q + ".") for q in parts):
            p.requires_grad_(False)


def set_train_mode(model: EcapaTdnn, frozen=()):
    model.train()
    for name, m in model.named_modules():
        if any(name == q or name.startswith(q + ".") for q in frozen):
            m.eval()  # frozen BatchNorm keeps its statistics


def load_checkpoint(path: Path) -> tuple[EcapaTdnn, dict]:
    ck = torch.load(path, map_location="cpu")
    cfg = ck["config"]
    cfg = EcapaConfig(**{**cfg, "dilations": tuple(cfg["dilations"])})
    model = EcapaTdnn(cfg)
    model.load_state_dict(ck["state_dict"], strict=True)
    return model, ck


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stage", choices=["pretrain", "finetune"])
    ap.add_argument("--loss", choices=["aam", "ge2e", "ntxent"], required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--init", type=Path, help="finetune: our own pre-trained checkpoint")
    ap.add_argument("--speechbrain", type=Path, help="finetune: SpeechBrain embedding_model.ckpt")
    ap.add_argument("--channels", type=int, default=256)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--lr", type=float, default=None, help="default 1e-3 pretrain, 1e-5 finetune")
    ap.add_argument("--weight-decay", type=float, default=None, help="default 2e-5 pretrain, 1e-4 finetune")
    ap.add_argument("--head-lr", type=float, default=1e-3, help="lr of the loss's own parameters (AAM class "
                    "weights, GE2E w/b) when they start fresh")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--min-frames", type=int, default=50)
    ap.add_argument("--max-frames", type=int, default=200)
    ap.add_argument("--margin", type=float, default=0.2)
    ap.add_argument("--scale", type=float, default=30.0)
    ap.add_argument("--ge2e-utts", type=int, default=4)
    ap.add_argument("--temperature", type=float, default=0.1)
    ap.add_argument("--n-aug", type=int, default=7)
    ap.add_argument("--aug", choices=sorted(data.AUG_PRESETS), default="default",
                    help="augmentation of the precomputed copies: 'default' (noise, gain, 8 kHz band-limit: the "
                         "earlier copies) or 'channel' (+ synthetic reverberation and GSM/Speex/IMA4 codec round "
                         "trips through ffmpeg; its own cache)")
    ap.add_argument("--copies", choices=["all", "clean", "aug"], default="all",
                    help="which precomputed copies crops are drawn from")
    ap.add_argument("--ssl-corpus", choices=["identity", "all"], default="identity",
                    help="ntxent pretrain: 'all' also draws the Donate-a-Cry recordings curated 'rejected' (no "
                         "identity labels needed) of every infant outside the evaluation and validation sets")
    ap.add_argument("--fold", type=int, help="cross-validation: hold out this fold of --folds (0-based); the "
                    "run keeps its last step instead of the best on the held-out infants")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--specaug", action="store_true", help="frequency/time masking of crops")
    ap.add_argument("--eval-every", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    set_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    finetune = args.stage == "finetune"
    lr = args.lr if args.lr is not None else (1e-5 if finetune else 1e-3)
    wd = args.weight_decay if args.weight_decay is not None else (1e-4 if finetune else 2e-5)

    recs = data.load_manifest()
    split = data.make_split(recs) if args.fold is None else data.fold_split(recs, args.fold, args.folds)
    train_set, val_set = set(split.train), set(split.validation)
    train_recs = [r for r in recs if r.infant in train_set]
    val_recs = [r for r in recs if r.infant in val_set]
    assert not ({r.infant for r in train_recs + val_recs} & set(split.evaluation))
    used = train_recs + val_recs
    ssl_recs = train_recs
    if args.ssl_corpus == "all":
        if args.loss != "ntxent" or finetune:
            ap.error("--ssl-corpus all is for ntxent pre-training (it needs no identity labels)")
        held = set(split.evaluation) | val_set
        # (at least one second: some rejected files are a few samples long)
        extra = [r for r in data.load_manifest(curations=("rejected",)) if r.infant not in held and r.duration_s >= 1]
        ssl_recs = train_recs + extra
        print(json.dumps({"ssl_corpus": {"identity_recordings": len(train_recs), "rejected_recordings": len(extra)}}),
              flush=True)
    corpus = data.corpus(recs + [r for r in ssl_recs if r not in recs])
    bank = data.feature_banks(recs + [r for r in ssl_recs if r not in recs], args.n_aug,
                              aug=data.AUG_PRESETS[args.aug])
    sampler = CropSampler(ssl_recs, bank, corpus, rng, args.copies, args.specaug)

    # model
    init_info = {}
    if finetune and args.init:
        model, ck = load_checkpoint(args.init)
        init_info = {"from": str(args.init), "pretrain": ck.get("meta", {})}
    elif finetune and args.speechbrain:
        from speechbrain_keymap import load_speechbrain_checkpoint

        model = EcapaTdnn(EcapaConfig(channels=args.channels))
        load_speechbrain_checkpoint(model, args.speechbrain)
        init_info = {"from": str(args.speechbrain), "kind": "speechbrain-voxceleb"}
    elif finetune:
        ap.error("finetune needs --init or --speechbrain")
    else:
        model = EcapaTdnn(EcapaConfig(channels=args.channels))

    infants = sorted(train_set)
    label_of = {i: k for k, i in enumerate(infants)}
    by_infant: dict[str, list] = {}
    for r in train_recs:
        by_infant.setdefault(r.infant, []).append(r)
    multi = [i for i in infants if len(by_infant[i]) >= 2]

    if args.loss == "aam":
        crit = AAMSoftmax(model.cfg.embedding_dim, len(infants), args.margin, args.scale)
    elif args.loss == "ge2e":
        crit = GE2ELoss()
    else:
        crit = NTXentLoss(args.temperature)
    if finetune and args.init and "criterion" in ck and ck.get("meta", {}).get("loss") == args.loss:
        crit.load_state_dict(ck["criterion"])  # same loss as pre-training: keep its head
        head_lr = lr
    else:
        head_lr = args.head_lr if finetune else lr

    frozen = FROZEN_FOR_FINETUNE if finetune else ()
    if finetune:
        freeze_lower(model, frozen)
    trainable = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW([{"params": trainable, "lr": lr, "weight_decay": wd},
                             {"params": list(crit.parameters()), "lr": head_lr, "weight_decay": wd}])
    warm = max(1, args.steps // 20)
    base_lrs = [g["lr"] for g in opt.param_groups]

    def lr_factor(step):  # linear warm-up then cosine decay to 5 %
        if step < warm:
            return (step + 1) / warm
        t = (step - warm) / max(1, args.steps - warm)
        return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t))

    def batch(n_frames):
        if args.loss == "aam":
            rs = [train_recs[i] for i in rng.integers(len(train_recs), size=args.batch)]
            x = torch.stack([sampler.crop(r.stem, n_frames) for r in rs])
            y = torch.tensor([label_of[r.infant] for r in rs])
            return (x,), (y,)
        if args.loss == "ge2e":
            n_spk = max(2, args.batch // args.ge2e_utts)
            chosen = rng.choice(len(multi), size=min(n_spk, len(multi)), replace=False)
            xs = []
            for k in chosen:
                rr = by_infant[multi[k]]
                pick = rng.choice(len(rr), size=args.ge2e_utts, replace=len(rr) < args.ge2e_utts)
                xs.extend(sampler.crop(rr[j].stem, n_frames) for j in pick)
            return (torch.stack(xs),), (len(chosen), args.ge2e_utts)
        # ntxent: two views = two different augmented copies and two different crops of one recording
        rs = [ssl_recs[i] for i in rng.choice(len(ssl_recs), size=args.batch, replace=False)]
        v1, v2 = [], []
        for r in rs:
            a, b = rng.choice(sampler.n_copies(r.stem), size=2, replace=False)
            v1.append(sampler.crop(r.stem, n_frames, int(a)))
            v2.append(sampler.crop(r.stem, n_frames, int(b)))
        return (torch.stack(v1), torch.stack(v2)), ()

    def evaluate():
        return verification.verify(model, val_recs, corpus)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    log_path = args.out.with_suffix(".log.jsonl")
    log = open(log_path, "w")
    best = {"eer": float("inf"), "step": -1}
    history = []
    v0 = evaluate()
    print(json.dumps({"step": 0, "val": v0}), flush=True)
    log.write(json.dumps({"step": 0, "val": v0}) + "\n")
    if finetune and args.fold is None:  # the starting point is a legitimate candidate
        best = {"eer": v0["eer"], "step": 0, "val": v0}
        save(args, model, crit, best, split, init_info, lr, wd, head_lr, frozen, history, final=False)
    t0 = time.time()
    run_loss, run_acc = 0.0, 0.0
    for step in range(1, args.steps + 1):
        for g, b in zip(opt.param_groups, base_lrs):
            g["lr"] = b * lr_factor(step - 1)
        set_train_mode(model, frozen)
        n_frames = int(rng.integers(args.min_frames, args.max_frames + 1))
        xs, extra = batch(n_frames)
        if args.loss == "aam":
            loss, acc = crit(model(xs[0]), *extra)
        elif args.loss == "ge2e":
            loss, acc = crit(model(xs[0]), *extra)
        else:
            e = model(torch.cat(xs))
            loss, acc = crit(e[: len(xs[0])], e[len(xs[0]):])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for g in opt.param_groups for p in g["params"]], 5.0)
        opt.step()
        run_loss += loss.item()
        run_acc += acc.item()
        if step % args.eval_every == 0 or step == args.steps:
            n = args.eval_every if step % args.eval_every == 0 else step % args.eval_every
            v = evaluate()
            rec = {"step": step, "loss": run_loss / n, "acc": run_acc / n, "val": v,
                   "elapsed_s": round(time.time() - t0, 1), "lr": opt.param_groups[0]["lr"]}
            history.append({"step": step, "loss": round(run_loss / n, 4), "val_eer": round(v["eer"], 4)})
            run_loss, run_acc = 0.0, 0.0
            print(json.dumps(rec), flush=True)
            log.write(json.dumps(rec) + "\n")
            log.flush()
            if v["eer"] < best["eer"] or args.fold is not None:
                best = {"eer": v["eer"], "step": step, "val": v}
                save(args, model, crit, best, split, init_info, lr, wd, head_lr, frozen, history, final=False)
    # the history in the best checkpoint covers the whole run
    ck = torch.load(args.out)
    ck["meta"]["history"] = history
    ck["meta"]["wall_s"] = round(time.time() - t0, 1)
    torch.save(ck, args.out)
    print(json.dumps({"best": best}), flush=True)


def save(args, model, crit, best, split, init_info, lr, wd, head_lr, frozen, history, final):
    meta = {
        "stage": args.stage, "loss": args.loss, "steps": args.steps, "best_step": best["step"],
        "validation": best.get("val"), "lr": lr, "weight_decay": wd, "head_lr": head_lr,
        "optimizer": "AdamW", "schedule": "linear warm-up 5 % then cosine to 5 % of lr",
        "batch": args.batch, "crop_frames": [args.min_frames, args.max_frames], "seed": args.seed,
        "frozen": list(frozen), "n_aug_copies": args.n_aug, "copies": args.copies,
        "augmentation": {"preset": args.aug, "describe": data.AUG_PRESETS[args.aug].describe()}, "ssl_corpus": args.ssl_corpus, "fold": args.fold, "folds": args.folds if args.fold is not None else None,
        "specaug": args.specaug, "channels": model.cfg.channels, "init": init_info,
        "aam": {"margin": args.margin, "scale": args.scale} if args.loss == "aam" else None,
        "ge2e": {"utterances_per_infant": args.ge2e_utts} if args.loss == "ge2e" else None,
        "ntxent": {"temperature": args.temperature} if args.loss == "ntxent" else None,
        "train_infants": split.train, "validation_infants": split.validation, "split_rule": split.rule,
        "history": history,
    }
    torch.save({"config": model.cfg.to_json(), "state_dict": model.state_dict(),
                "criterion": crit.state_dict(), "meta": meta}, args.out)


if __name__ == "__main__":
    main()
