// A seeded store flagged as the demo ward, in demo mode (src/main/core/pin-policy.ts): its accounts sign in
// without PINs and the app signs a reloaded tab back in as its last user, as on the newcomer's demo ward. For
// benchmarks that measure a reload's first paint on a ward of synthetic infants; a real ward asks for the PIN.
import type { Core } from '../../src/main/core/core'
import { setDemoMode } from '../../src/main/core/pin-policy'
import { SYSTEM } from '../../src/main/core/services/actor'
import { simulatedDemoParams } from '../../src/main/core/services/demo-sources'
import { putSetting } from '../../src/main/store/settings'

export function asDemoWard(core: Core, infantIds: number[]): void {
  putSetting(
    core.db,
    'demo.simulated',
    {
      state: 'ready',
      jobId: 'seeded',
      params: simulatedDemoParams({}),
      infantIds,
      by: SYSTEM.username,
      at: new Date().toISOString(),
    },
    SYSTEM.username,
  )
  setDemoMode(core.db, true, SYSTEM, 'a seeded ward standing in for the demo ward')
  if (!core.ctx.pins.demoMode()) throw new Error('asDemoWard: the store holds infants that are not listed')
}
