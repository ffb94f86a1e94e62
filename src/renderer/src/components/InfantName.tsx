// An infant as the ward names it: the name with the hospital number beside it, and beneath, its age as a
// neonatal unit counts it (postmenstrual age, postnatal day, gestation and weight at birth).
import { Box, Typography } from '@mui/material'
import type { Infant } from '../../../shared/contract'
import { ageSummary } from '../view-model/infant-age'

export function InfantName({ infant, size = 'table' }: { infant: Infant; size?: 'table' | 'heading' }) {
  const age = ageSummary(infant)
  return (
    <Box data-testid="infant-name">
      <Box component="span" sx={{ fontWeight: 600, fontSize: size === 'table' ? '1.1rem' : undefined }}>
        {infant.label}
      </Box>
      {infant.externalId && (
        <Typography
          component="span"
          color="text.secondary"
          sx={{ ml: 1, fontSize: '0.9rem', whiteSpace: 'nowrap' }}
          data-testid="hospital-number"
        >
          {infant.externalId}
        </Typography>
      )}
      {age && (
        <Typography variant="body2" color="text.secondary" data-testid="infant-age">
          {age}
        </Typography>
      )}
    </Box>
  )
}

/** The age line alone, for headings and reports. */
export function InfantAge({ infant }: { infant: Infant | undefined }) {
  const age = infant ? ageSummary(infant) : ''
  const parts = [infant?.externalId ? `Hospital number ${infant.externalId}` : null, age || null].filter(
    Boolean,
  )
  return parts.length ? (
    <Typography color="text.secondary" data-testid="infant-age">
      {parts.join(' · ')}
    </Typography>
  ) : null
}
