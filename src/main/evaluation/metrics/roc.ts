// Ranking metrics for detection protocols (B, D): ROC AUC with ties (Mann–Whitney), average precision,
// and recall at a false-positive rate.

/** ROC AUC: the probability that a random positive scores above a random negative (ties count half). */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!)
  let rankSumPos = 0
  let nPos = 0
  for (let i = 0; i < idx.length;) {
    let j = i
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++
    const rank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++)
      if (positive[idx[k]!]) {
        rankSumPos += rank
        nPos++
      }
    i = j + 1
  }
  const nNeg = idx.length - nPos
  if (!nPos || !nNeg) return NaN
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg)
}

/**
 * The operating points from the highest score down: cumulative true and false positives after each group of
 * tied scores (a threshold between distinct scores).
 */
function* sweep(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>) {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!)
  let tp = 0
  let fp = 0
  for (let i = 0; i < idx.length;) {
    let j = i
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++
    for (let k = i; k <= j; k++)
      if (positive[idx[k]!]) tp++
      else fp++
    i = j + 1
    yield { tp, fp, last: i === idx.length }
  }
}

const classCounts = (positive: ArrayLike<boolean | number>) => {
  let nPos = 0
  for (let i = 0; i < positive.length; i++) if (positive[i]) nPos++
  return { nPos, nNeg: positive.length - nPos }
}

/** Average precision (area under the precision–recall curve, step-wise as scikit-learn computes it). */
export function averagePrecision(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number {
  const { nPos } = classCounts(positive)
  if (!nPos) return NaN
  let ap = 0
  let prevRecall = 0
  for (const { tp, fp } of sweep(scores, positive)) {
    const recall = tp / nPos
    ap += (recall - prevRecall) * (tp / (tp + fp))
    prevRecall = recall
  }
  return ap
}

/** Recall at the largest threshold whose false-positive rate does not exceed `maxFpr`. */
export function recallAtFpr(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean | number>,
  maxFpr: number,
): number {
  const { nPos, nNeg } = classCounts(positive)
  if (!nPos || !nNeg) return NaN
  let best = 0
  for (const { tp, fp } of sweep(scores, positive)) {
    if (fp / nNeg > maxFpr) break
    best = tp / nPos
  }
  return best
}

export interface RocPoint {
  fpr: number
  tpr: number
}

/**
 * The ROC curve as points (for a chart, not raw scores): every threshold between distinct scores, thinned to
 * about `maxPoints` by keeping a point whenever FPR or TPR has moved by 1/maxPoints since the last one kept.
 * Starts at (0, 0) and ends at (1, 1); empty without both classes.
 */
export function rocCurve(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean | number>,
  maxPoints = 100,
): RocPoint[] {
  const { nPos, nNeg } = classCounts(positive)
  if (!nPos || !nNeg) return []
  const out: RocPoint[] = [{ fpr: 0, tpr: 0 }]
  const step = 1 / maxPoints
  for (const { tp, fp, last } of sweep(scores, positive)) {
    const p = { fpr: fp / nNeg, tpr: tp / nPos }
    const prev = out[out.length - 1]!
    if (last || p.fpr - prev.fpr >= step || p.tpr - prev.tpr >= step) out.push(p)
  }
  return out.map((p) => ({ fpr: round(p.fpr), tpr: round(p.tpr) }))
}

const round = (v: number) => Math.round(v * 1e4) / 1e4
