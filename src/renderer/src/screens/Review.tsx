// The clinician's review queue: flagged cries without a verdict, most severe first, filterable by infant and
// date; the selected cry opens beside the list. After a verdict the next cry in the queue opens.
import { useEffect, useRef, useState } from 'react'
import {
  Box,
  Button,
  Chip,
  List,
  ListItemButton,
  ListItemText,
  Paper,
  Stack,
  Typography,
} from '@mui/material'
import { CORRECTORS, EXPORTERS, type User } from '../../../shared/contract'
import { api } from '../api/client'
import { CryView } from '../components/CryView'
import { DateRange, InfantSelect } from '../components/Filters'
import { LoadState } from '../components/States'
import { formatTime, fromLocalInput } from '../view-model/format'
import { useLoad, useRoute } from '../api/hooks'

const PAGE = 50

export function ReviewScreen({ user, go }: { user: User; go: (p: string) => void }) {
  const [, , query] = useRoute()
  const infants = useLoad(() => api.listInfants({}), [], ['infants'])
  const [infantId, setInfantId] = useState<number | ''>(
    query.get('infant') ? Number(query.get('infant')) : '',
  )
  const [range, setRange] = useState({ from: '', to: '' })
  const [limit, setLimit] = useState(PAGE)
  const queue = useLoad(
    () =>
      api.reviewQueue({
        ...(infantId !== '' ? { infantId } : {}),
        ...(range.from ? { from: fromLocalInput(range.from) } : {}),
        ...(range.to ? { to: fromLocalInput(range.to, true) } : {}),
        limit,
      }),
    [infantId, range.from, range.to, limit],
    ['cries', 'reviews'],
  )
  const cries = queue.data?.cries
  const [chosen, setSelected] = useState<number | null>(null)
  // A cry stays selected: the first of the queue when none (or one that left the queue) is chosen.
  const selected = cries?.some((c) => c.id === chosen) ? chosen : (cries?.[0]?.id ?? null)
  const index = cries?.findIndex((c) => c.id === selected) ?? -1

  // J/K walk the queue: the selected cry stays in view in the list's own scroll box. Only that box scrolls, never
  // the page (scrollIntoView would move the page too, and the queue reloads whenever cries change: while an
  // import was still being analysed the page kept jumping back to the list under the user's pointer).
  const listRef = useRef<HTMLUListElement>(null)
  useEffect(() => {
    const box = listRef.current
    const el = box?.querySelector<HTMLElement>('[data-selected="true"]')
    if (!box || !el) return
    const b = box.getBoundingClientRect()
    const e = el.getBoundingClientRect()
    if (e.top < b.top) box.scrollTop -= b.top - e.top
    else if (e.bottom > b.bottom) box.scrollTop += e.bottom - b.bottom
  }, [selected, cries])

  const canJudge = user.role === 'clinician' || user.role === 'admin'
  const at = (i: number) => cries?.[i]?.id
  return (
    <Box
      sx={{
        display: 'grid',
        gridTemplateColumns: { xs: '1fr', md: '340px 1fr' },
        gap: 2,
        alignItems: 'start',
      }}
    >
      <Stack spacing={2}>
        <Typography variant="h5" component="h2">
          Review queue
        </Typography>
        <Paper sx={{ p: 2 }}>
          <Stack spacing={1.5}>
            <InfantSelect
              infants={infants.data}
              value={infantId}
              onChange={setInfantId}
              testId="review-infant"
            />
            <DateRange from={range.from} to={range.to} onChange={setRange} />
          </Stack>
        </Paper>
        <Paper>
          <LoadState
            loading={queue.loading}
            error={queue.error}
            empty={cries?.length === 0}
            emptyText={
              infantId !== '' || range.from || range.to
                ? 'No flagged cries await review for this filter.'
                : 'No flagged cries await review. Cries are flagged once an infant has a baseline and a cry drifts from it.'
            }
          >
            <Typography variant="body2" color="text.secondary" sx={{ px: 2, pt: 1.5 }}>
              {queue.data?.total ?? 0} awaiting review, most severe first
            </Typography>
            {/* The queue scrolls in its own box, a screen high, so the page stays as tall as the cry view. */}
            <List
              aria-label="flagged cries"
              dense
              sx={{ maxHeight: 'max(320px, calc(100vh - 330px))', overflowY: 'auto' }}
              data-testid="review-list"
              ref={listRef}
            >
              {(cries ?? []).map((c) => (
                <ListItemButton
                  key={c.id}
                  selected={c.id === selected}
                  onClick={() => setSelected(c.id)}
                  data-selected={c.id === selected}
                >
                  <ListItemText
                    primary={`${c.infantBed ? `Bed ${c.infantBed} · ` : ''}${c.infantLabel}`}
                    secondary={[
                      formatTime(c.at, { seconds: true }),
                      c.whatMoved[0]?.text,
                      c.mayNotBeCry ? 'may not be a cry' : undefined,
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  />
                  <Chip size="small" color="error" label={c.score === null ? '—' : c.score.toFixed(2)} />
                </ListItemButton>
              ))}
            </List>
            {queue.data && queue.data.total > (cries?.length ?? 0) && (
              <Button sx={{ m: 1 }} onClick={() => setLimit(limit + PAGE)}>
                Show more
              </Button>
            )}
          </LoadState>
        </Paper>
      </Stack>
      <Box sx={{ minWidth: 0 }}>
        {selected !== null ? (
          <CryView
            cryId={selected}
            canJudge={canJudge}
            canExport={EXPORTERS.includes(user.role)}
            canCorrect={CORRECTORS.includes(user.role)}
            go={go}
            position={
              cries && index >= 0 ? `${index + 1} of ${queue.data?.total ?? cries.length}` : undefined
            }
            onPrev={index > 0 ? () => setSelected(at(index - 1)!) : undefined}
            onNext={
              cries && index >= 0 && index < cries.length - 1 ? () => setSelected(at(index + 1)!) : undefined
            }
            onJudged={() => setSelected(at(index + 1) ?? at(index - 1) ?? null)}
          />
        ) : (
          !queue.loading && (
            <Paper sx={{ p: 4 }}>
              <Typography color="text.secondary">
                Nothing to review. Pick a cry from a recording to listen to it.
              </Typography>
            </Paper>
          )
        )}
      </Box>
    </Box>
  )
}
