// Sign-in attempts are limited per account and per session (a browser-mode socket), with a delay that grows
// with each consecutive failure: the first few wrong PINs cost nothing (a typo), then 1, 2, 4, 8, 16, 32 s and
// at most 60 s between tries. Over a minute that is at most 8 tries on one account however many sockets ask;
// a 4-digit PIN takes days instead of a minute. An attempt during the delay is refused at once, before any
// PIN is hashed, and is not counted; a success clears the account's and the session's failures. Unknown
// usernames share one account bucket, so spraying names is limited too.

/** Consecutive failures that cost no delay. */
export const FREE_FAILURES = 3
export const MAX_DELAY_MS = 60_000

interface Bucket {
  failures: number
  /** No attempt before this time (ms). */
  until: number
  touched: number
}

export class SignInLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Ms to wait before this account may be tried from this session (0: go ahead). */
  waitMs(account: string, session: string): number {
    const t = this.now()
    const wait = (k: string) => Math.max(0, (this.buckets.get(k)?.until ?? 0) - t)
    return Math.max(wait(`a:${account}`), wait(`s:${session}`))
  }

  failed(account: string, session: string): void {
    const t = this.now()
    for (const k of [`a:${account}`, `s:${session}`]) {
      const b = this.buckets.get(k) ?? { failures: 0, until: 0, touched: t }
      b.failures++
      b.touched = t
      const over = b.failures - FREE_FAILURES
      b.until = over >= 0 ? t + Math.min(MAX_DELAY_MS, 1000 * 2 ** over) : 0
      this.buckets.set(k, b)
    }
    this.prune(t)
  }

  succeeded(account: string, session: string): void {
    this.buckets.delete(`a:${account}`)
    this.buckets.delete(`s:${session}`)
  }

  /** Buckets quiet for an hour are forgotten (failures count as consecutive within that time). */
  private prune(t: number): void {
    if (this.buckets.size < 1000) return
    for (const [k, b] of this.buckets) if (t - b.touched > 3_600_000) this.buckets.delete(k)
  }
}
