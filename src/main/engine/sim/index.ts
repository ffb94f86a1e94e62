// The simulator's public surface: voices, the cry synthesizer and the ward simulator with its ground truth.
export { Rng } from './rng'
export { makeVoice, DEFAULT_DEVIATION } from './voice'
export type { Voice, CryState, DeviationProfile, Phonation, MelodyShape } from './voice'
export { synthesizeCry } from './cry-synth'
export type { SynthesizedCry, SynthesizedExpiration } from './cry-synth'
export { simulateWard, simulateRecording, planWard, wardGroundTruth } from './ward'
export type {
  RecordingInfo,
  RecordingWriter,
  WardSink,
  WardProgress,
  WardPlan,
  SimulateOptions,
} from './ward'
export { DEFAULT_WARD, resolveWardConfig } from './ward-config'
export type { WardConfig, DeviationSpec } from './ward-config'
export { GROUND_TRUTH_FILE, GROUND_TRUTH_FORMAT, severityAt } from './ground-truth'
export type { WardGroundTruth, RecordingTruth, InfantTruth, CryTruth, DeviationTruth } from './ground-truth'
export type { BackgroundEvent, BackgroundKind } from './ward-background'
export { directorySink, memorySink, simulateRecordingInto } from './sinks'
export type { SimulatedRecording } from './sinks'
