// PINs are mandatory on a real ward. Every account reads patients' data (a nurse sees names and hears
// recordings), so on a ward that is not the demo an account without a PIN can do nothing until it has one: an
// admin without a PIN may sign in only to set the PINs of the workstation (its own and those of every account
// without one: the first start), any other account without a PIN is refused at sign-in until an admin has set it.
//
// Demo mode is the one exception: a new data folder whose first start builds the demo ward (`npm start`), or
// a data folder `iclas demo` built its demo ward in, keeps accounts without PINs so a newcomer opens straight to
// sign-in. It lasts while the workstation holds nothing but the demo ward: removing the demo ward ends it, and
// so does the first infant that is not the demo's (a patient), whatever the setting says.
import type { Db } from '../store/db'
import { appendAudit, type Actor } from '../store/audit'
import { getSetting, putSetting } from '../store/settings'
import { listAccounts, pinlessReader, type AccountRow } from '../store/users'

export const DEMO_MODE_KEY = 'accounts.demo-mode'

interface DemoModeRecord {
  on: boolean
  /** Why it was switched (the first start's demo ward, `iclas demo`, the demo ward removed). */
  reason: string
}

/** Whether demo mode was switched on (the setting alone; PinPolicy.demoMode also looks for patients). */
export function demoModeSetting(db: Db): boolean {
  return getSetting<DemoModeRecord>(db, DEMO_MODE_KEY)?.on === true
}

/** Switches demo mode on or off, audited; nothing is written when it is already so. */
export function setDemoMode(db: Db, on: boolean, who: Actor, reason: string): void {
  db.transaction(() => {
    const before = getSetting<DemoModeRecord>(db, DEMO_MODE_KEY)
    if ((before?.on === true) === on) return
    putSetting(db, DEMO_MODE_KEY, { on, reason } satisfies DemoModeRecord, who.username)
    appendAudit(db, who, 'accounts.demo_mode', 'setting', DEMO_MODE_KEY, before ?? null, { on, reason })
  })()
}

export class PinPolicy {
  private readonly pinless: (id: number) => boolean | undefined

  constructor(
    private readonly db: Db,
    /** Whether the store holds an infant that is not the demo ward's. */
    private readonly hasPatients: () => boolean,
  ) {
    this.pinless = pinlessReader(db)
  }

  /** Accounts without PINs may be used: demo mode is on and the workstation holds no patients. */
  demoMode(): boolean {
    return demoModeSetting(this.db) && !this.hasPatients()
  }

  /** PINs are mandatory on this workstation now. */
  required(): boolean {
    return !this.demoMode()
  }

  /**
   * Whether this account must have its PIN set before it may do anything: it has none (or no longer exists) and
   * PINs are mandatory. Cheap for accounts with a PIN (one indexed read); called on every call of a session.
   */
  setupPending(userId: number): boolean {
    const pinless = this.pinless(userId)
    if (pinless === false) return false
    return pinless === undefined || this.required()
  }

  accountsWithoutPin(): AccountRow[] {
    return listAccounts(this.db).filter((a) => !a.hasPin)
  }
}
