import type { Migration } from './types'

/**
 * The infant's age as neonatal units count it: date of birth (a local calendar date, YYYY-MM-DD), gestational
 * age at birth in days (28+3 weeks = 199) and birth weight in grams. All optional: infants made before keep
 * NULL until a nurse fills them in. Postmenstrual age is computed from the first two, never stored.
 */
export const m0007: Migration = {
  version: 7,
  name: 'infant-birth',
  up(db) {
    db.exec(`
      ALTER TABLE infants ADD COLUMN birth_date TEXT
        CHECK (birth_date IS NULL OR birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]');
      ALTER TABLE infants ADD COLUMN gestational_age_days INTEGER
        CHECK (gestational_age_days IS NULL OR gestational_age_days BETWEEN 140 AND 315);
      ALTER TABLE infants ADD COLUMN birth_weight_g INTEGER
        CHECK (birth_weight_g IS NULL OR birth_weight_g BETWEEN 200 AND 7000);
    `)
  },
}
