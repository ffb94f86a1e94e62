// Readable at a bedside distance: larger base type, high-contrast palettes, a dark mode for night shifts.
import { createTheme, type Theme } from '@mui/material/styles'

export type ColorMode = 'light' | 'dark'

export function makeTheme(mode: ColorMode): Theme {
  const focusRing = mode === 'dark' ? '#ffd166' : '#b45309'
  return createTheme({
    palette: {
      mode,
      primary: { main: mode === 'dark' ? '#7cc4ff' : '#0b5cad' },
      secondary: { main: mode === 'dark' ? '#ffb86b' : '#b45309' },
      error: { main: mode === 'dark' ? '#ff6b6b' : '#c62828' },
      background:
        mode === 'dark' ? { default: '#0e1217', paper: '#161c23' } : { default: '#f4f6f8', paper: '#ffffff' },
    },
    typography: { fontSize: 15, h5: { fontWeight: 600 }, h6: { fontWeight: 600 } },
    components: {
      MuiButton: { defaultProps: { disableElevation: true } },
      MuiTableCell: { styleOverrides: { root: { paddingTop: 10, paddingBottom: 10 } } },
      // Keyboard users must always see where they are: a solid ring on every focusable control and row.
      MuiButtonBase: {
        styleOverrides: {
          root: {
            '&.Mui-focusVisible': { outline: `3px solid ${focusRing}`, outlineOffset: 2 },
          },
        },
      },
      MuiTableRow: {
        styleOverrides: {
          root: { '&:focus-visible': { outline: `3px solid ${focusRing}`, outlineOffset: -3 } },
        },
      },
    },
  })
}
