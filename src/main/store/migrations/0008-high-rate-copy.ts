import type { Migration } from './types'

/**
 * The high-rate copy of a recording made above 16 kHz (audio/<xx>/<hash>.hi.wav: mono, the original rate up to
 * 48 kHz), so a spectrogram reaches the original recording's Nyquist. Recordings imported before keep NULL:
 * they have only the 16 kHz working copy (8 kHz top), and the listening view says so.
 */
export const m0008: Migration = {
  version: 8,
  name: 'high-rate-copy',
  up(db) {
    db.exec(`
      ALTER TABLE recordings ADD COLUMN high_rate_path TEXT;
      ALTER TABLE recordings ADD COLUMN high_rate_hz INTEGER
        CHECK (high_rate_hz IS NULL OR high_rate_hz BETWEEN 16001 AND 48000);
    `)
  },
}
