"""Infant-grouped k-fold cross-validation of a training recipe, beside the log-mel statistics baseline.

  /usr/bin/python3 training/cv.py --name aam600 --folds 5 --threads 1 -- \
      pretrain --loss aam --steps 600 --copies clean
  /usr/bin/python3 training/cv.py --name ssl-all --folds 5 -- \
      pretrain --loss ntxent --ssl-corpus all --steps 300 --batch 32 --max-frames 150 \
      ++ finetune --loss aam --steps 150 --batch 32 --max-frames 150

Every infant outside the 14 evaluation infants is dealt into --folds folds (`data.fold_split`); for each fold the
recipe's stages (separated by `++`; a later stage starts from the previous one's checkpoint) are trained by
train.py on the other folds with a fixed schedule (the last step is kept: the held-out fold never chooses a step),
and the held-out fold's same-platform EER is measured by verification.py, with the log-mel statistics reference on
the same recordings and trials. Mean ± sd over folds go to training/cv/<name>.json, with every fold's figures.
This is what chooses between recipes; the 14 evaluation infants are only for the final figure
(`npx iclas eval verification`).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import data  # noqa: E402
import verification  # noqa: E402


def logmel_eer(recs: list, corpus: dict) -> float:
    emb = verification.logmel_meanstd_embeddings(recs, corpus).numpy()
    pairs, labels = verification.trials(recs, True)
    return verification.eer(np.sum(emb[pairs[:, 0]] * emb[pairs[:, 1]], axis=1), labels)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--name", required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--only", type=int, nargs="*", help="run these folds only (the summary covers what exists)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("recipe", nargs=argparse.REMAINDER, help="-- STAGE ARGS… [++ STAGE ARGS…]")
    args = ap.parse_args(argv)
    recipe = args.recipe[1:] if args.recipe[:1] == ["--"] else args.recipe
    stages, cur = [], []
    for tok in recipe:
        if tok == "++":
            stages.append(cur)
            cur = []
        else:
            cur.append(tok)
    stages.append(cur)
    if not stages[0]:
        ap.error("no recipe after --")

    torch.set_num_threads(args.threads)
    recs = data.load_manifest()
    corpus = data.corpus(recs)
    out_dir = HERE / "cv"
    ck_dir = HERE / "checkpoints" / "cv" / args.name
    ck_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(exist_ok=True)
    summary_path = out_dir / f"{args.name}.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {"folds": {}}
    summary.update({"name": args.name, "k": args.folds, "recipe": stages,
                    "rule": data.fold_split(recs, 0, args.folds).rule.replace("fold 0 held out", "each fold held out")})
    for fold in (args.only if args.only is not None else range(args.folds)):
        t0 = time.time()
        init = None
        for s, stage in enumerate(stages):
            out = ck_dir / f"fold{fold}-stage{s}.pt"
            cmd = [sys.executable, str(HERE / "train.py"), *stage, "--fold", str(fold), "--folds", str(args.folds),
                   "--threads", str(args.threads), "--out", str(out)]
            if init is not None:
                cmd += ["--init", str(init)]
            print("$", " ".join(cmd), flush=True)
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            init = out
        ck = torch.load(init)
        split = data.fold_split(recs, fold, args.folds)
        held = [r for r in recs if r.infant in set(split.validation)]
        row = {"model": ck["meta"]["validation"], "logmel_stats_eer": logmel_eer(held, corpus),
               "held_out_infants": len(split.validation), "wall_s": round(time.time() - t0, 1)}
        if summary_path.exists():  # another process may be running other folds of the same recipe
            summary["folds"] = {**json.loads(summary_path.read_text())["folds"], **summary["folds"]}
        summary["folds"][str(fold)] = row
        print(json.dumps({"fold": fold, **row}), flush=True)
        done = list(summary["folds"].values())
        m = np.array([r["model"]["eer"] for r in done])
        b = np.array([r["logmel_stats_eer"] for r in done])
        summary["mean"] = {"model_eer": float(m.mean()), "model_eer_sd": float(m.std(ddof=1)) if len(m) > 1 else None,
                           "logmel_stats_eer": float(b.mean()),
                           "logmel_stats_eer_sd": float(b.std(ddof=1)) if len(b) > 1 else None,
                           "folds_done": len(done)}
        summary_path.write_text(json.dumps(summary, indent=1) + "\n")
    print(json.dumps(summary["mean"]), flush=True)


if __name__ == "__main__":
    main()
