// Who may see and cancel a background job. A job is seen by the roles that may read what it makes (an
// evaluation's report only by those who may run evaluations), and cancelled by the roles that may start a
// job of its kind (a nurse may cancel an import, not a researcher's evaluation or a model refit); admins may
// do both. Used by getJob/listJobs/cancelJob and by the event filter, so an event never shows more than the
// methods would.
import { contract, type Job, type MethodName, type Role, type User } from '../../shared/contract'

/** The method that starts a job of each kind: its access is who may cancel one. */
const STARTED_BY: Record<Job['kind'], MethodName> = {
  import: 'startImport',
  eval: 'runEvaluation',
  fit: 'refitModel',
  rescore: 'applySettings',
  demo: 'buildDemoWard',
  backup: 'createBackup',
}

function admits(m: MethodName, role: Role): boolean {
  const access = contract[m].access
  return access === 'public' || access === 'any' || access.includes(role)
}

export function mayReadJob(kind: Job['kind'], role: Role): boolean {
  return kind === 'eval' ? admits('listEvaluations', role) : true
}

export function mayCancelJob(kind: Job['kind'], user: User): boolean {
  return user.role === 'admin' || admits(STARTED_BY[kind], user.role)
}
