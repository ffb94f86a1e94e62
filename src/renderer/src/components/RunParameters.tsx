// An evaluation run's parameters (datasets, the protocol's options, who ran it and when) as a two-column
// table, in the words of the form that chose them.
import { Table, TableBody, TableCell, TableRow } from '@mui/material'
import type { EvalDataset, EvaluationRun } from '../../../shared/contract'
import { runParameters } from '../view-model/eval-parameters'

export function RunParameters(props: { run: EvaluationRun; datasets?: readonly EvalDataset[] }) {
  const rows = runParameters(props.run, props.datasets)
  return (
    <Table size="small" aria-label="run parameters" sx={{ mb: 2, width: 'auto', minWidth: 360 }}>
      <TableBody>
        {rows.map((r) => (
          <TableRow key={r.name}>
            <TableCell component="th" scope="row" sx={{ color: 'text.secondary', pl: 0, width: '1%' }}>
              <span style={{ whiteSpace: 'nowrap' }}>{r.name}</span>
            </TableCell>
            <TableCell>{r.value}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  )
}
