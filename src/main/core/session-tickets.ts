// Signing a browser tab back in after a reload without its PIN. Browser mode's session is its WebSocket, so a
// reload is a new, signed-out session; with PINs mandatory that would ask for the PIN at every reload. A
// signed-in session may take a ticket (sessionTicket): 32 random bytes, kept by the tab (sessionStorage, not
// shared with other tabs), good once (resumeSession signs the new session in as the ticket's user and hands
// out the next one) and for at most a shift (12 h). Tickets live in the core's memory only: a restart, a sign-out,
// a restore or a change of the user's PIN ends them. The desktop app keeps its session across reloads and
// needs none.
import crypto from 'node:crypto'

export const TICKET_TTL_MS = 12 * 3_600_000

interface Ticket {
  userId: number
  expires: number
}

export class SessionTickets {
  private readonly tickets = new Map<string, Ticket>()

  constructor(private readonly now: () => number = Date.now) {}

  /** A new ticket for this user (the session's previous one, if named, ends). */
  issue(userId: number, previous?: string): string {
    if (previous) this.tickets.delete(previous)
    this.prune()
    const ticket = crypto.randomBytes(32).toString('base64url')
    this.tickets.set(ticket, { userId, expires: this.now() + TICKET_TTL_MS })
    return ticket
  }

  /** The ticket's user, once: the ticket ends here. Null for an unknown, used or expired ticket. */
  redeem(ticket: string): number | null {
    const t = this.tickets.get(ticket)
    this.tickets.delete(ticket)
    return t && t.expires > this.now() ? t.userId : null
  }

  revoke(ticket: string | undefined): void {
    if (ticket) this.tickets.delete(ticket)
  }

  /** Every ticket of this user ends (its PIN changed). */
  revokeUser(userId: number): void {
    for (const [k, t] of this.tickets) if (t.userId === userId) this.tickets.delete(k)
  }

  clear(): void {
    this.tickets.clear()
  }

  private prune(): void {
    const t = this.now()
    for (const [k, v] of this.tickets) if (v.expires <= t) this.tickets.delete(k)
  }
}
