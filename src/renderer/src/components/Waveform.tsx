// Waveform of a recording with wavesurfer.js, drawn from peaks precomputed at import and streamed from the
// core's media endpoint (MediaElement backend): the page never decodes an hour-long file.
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react'
import { Box, useTheme } from '@mui/material'
import WaveSurfer from 'wavesurfer.js'

export interface WaveformHandle {
  playPause(): void
  setRate(rate: number): void
  seekTo(seconds: number): void
}

export const Waveform = forwardRef<
  WaveformHandle,
  {
    url: string
    peaks: number[]
    durationS: number
    onTime?: (t: number) => void
    onPlaying?: (p: boolean) => void
  }
>(function Waveform(props, ref) {
  const box = useRef<HTMLDivElement>(null)
  const ws = useRef<WaveSurfer | null>(null)
  const theme = useTheme()
  const [ready, setReady] = useState(false)
  const { url, peaks, durationS, onTime, onPlaying } = props

  useEffect(() => {
    if (!box.current) return
    // Peaks arrive as interleaved min/max pairs: wavesurfer takes one channel of values.
    const channel = new Float32Array(peaks.length / 2)
    for (let i = 0; i < channel.length; i++)
      channel[i] = Math.max(Math.abs(peaks[2 * i]!), Math.abs(peaks[2 * i + 1]!))
    const w = WaveSurfer.create({
      container: box.current,
      url,
      peaks: [channel],
      duration: durationS,
      height: 140,
      waveColor: theme.palette.primary.main,
      progressColor: theme.palette.secondary.main,
      cursorColor: theme.palette.text.primary,
      normalize: true,
      backend: 'MediaElement',
    })
    w.on('ready', () => setReady(true))
    w.on('timeupdate', (t) => onTime?.(t))
    w.on('play', () => onPlaying?.(true))
    w.on('pause', () => onPlaying?.(false))
    ws.current = w
    return () => {
      w.destroy()
      ws.current = null
    }
  }, [url, peaks, durationS, theme, onTime, onPlaying])

  useImperativeHandle(ref, () => ({
    playPause: () => void ws.current?.playPause(),
    setRate: (r) => ws.current?.setPlaybackRate(r, true),
    seekTo: (s) => ws.current?.setTime(s),
  }))

  return (
    <Box
      ref={box}
      data-testid="waveform"
      data-ready={ready ? 'true' : 'false'}
      sx={{ width: '100%', minHeight: 140 }}
    />
  )
})
