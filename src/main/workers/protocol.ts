// Messages between the core and its engine workers.
export type ToWorker =
  { type: 'run'; id: number; task: string; args: unknown } | { type: 'cancel'; id: number }

export type FromWorker =
  | { type: 'progress'; id: number; fraction: number; message?: string }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'error'; id: number; error: { name: string; message: string; kind?: string } }
