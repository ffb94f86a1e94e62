// A plain-language reason why an audio file cannot be imported. Shown to nurses in the import report.
export type RefusalKind =
  | 'not-audio'
  | 'not-wav'
  | 'truncated'
  | 'zero-length'
  | 'unsupported-codec'
  | 'bad-header'
  | 'too-short'
  | 'unreadable'
  | 'decode-failed'

export class AudioRefusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
  ) {
    super(message)
    this.name = 'AudioRefusal'
  }
}

/** A float file with NaN or infinite samples: damaged (no recorder writes them), refused rather than silenced. */
export function nonFiniteRefusal(): AudioRefusal {
  return new AudioRefusal(
    'decode-failed',
    'the audio is damaged: it holds samples that are not numbers (NaN or infinite)',
  )
}
