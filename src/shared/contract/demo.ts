// The built-in demo ward: simulated infants (the project's ward simulator), imported through the real pipeline
// so every screen has something true to show on a fresh workstation. Never mixed with patients: a build is
// refused once a workstation holds real recordings.
import { z } from 'zod'
import { Empty, IMPORTERS, method, STAFF } from './define'

export const DemoState = z.enum(['absent', 'building', 'ready', 'failed'])
export type DemoState = z.infer<typeof DemoState>

/** Where a demo ward's recordings come from: the simulator, or real Donate-a-Cry cries (command line only). */
export const DemoSource = z.enum(['simulated', 'donateacry'])
export type DemoSource = z.infer<typeof DemoSource>

export const DemoStatus = z.object({
  state: DemoState,
  source: DemoSource.nullable(),
  /** The demo job while it runs (its progress arrives as `job` events), else the last one. */
  jobId: z.string().nullable(),
  /** Demo infants present in the store. */
  infants: z.number().int().nonnegative(),
  /** A plain sentence: what is being built, why it failed, or what the demo is. */
  message: z.string().nullable(),
  /** Whether a build would be accepted now (no patients' recordings on this workstation). */
  canBuild: z.boolean(),
})
export type DemoStatus = z.infer<typeof DemoStatus>

/** The simulated ward's shape (defaults: 6 infants over 7 days, two of them developing a deviation). */
export const DemoWardOptions = z
  .object({
    infants: z.number().int().min(1).max(24).optional(),
    days: z.number().int().min(1).max(28).optional(),
    deviating: z.number().int().min(0).max(24).optional(),
    seed: z.number().int().min(0).max(2_147_483_647).optional(),
  })
  .strict()
  .refine((o) => o.deviating === undefined || o.deviating <= (o.infants ?? 6), {
    message: 'deviating infants cannot outnumber the infants',
  })
export type DemoWardOptions = z.infer<typeof DemoWardOptions>

export const demoMethods = {
  demoStatus: method({
    summary: 'The demo ward: absent, building (with its job), ready or failed',
    access: STAFF,
    request: Empty,
    response: DemoStatus,
  }),
  buildDemoWard: method({
    summary: 'Build the demo ward of simulated infants (a background job; does nothing when it exists)',
    access: IMPORTERS,
    request: DemoWardOptions,
    response: z.object({ jobId: z.string().nullable(), state: DemoState }),
  }),
  removeDemoWard: method({
    summary: 'Remove the demo ward: its simulated infants with their recordings, cries and models',
    access: ['admin'],
    request: Empty,
    response: z.object({
      infants: z.number().int().nonnegative(),
      recordings: z.number().int().nonnegative(),
    }),
  }),
}
