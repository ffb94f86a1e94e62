// Exports reach the user as a download made in the page from the text the core returned (a Blob URL), so the
// core never writes outside its data folder and the user chooses where the file goes.
import type { ExportFile } from '../../../shared/contract'

export function downloadExport(file: ExportFile): void {
  const blob =
    file.encoding === 'base64'
      ? new Blob([Uint8Array.from(atob(file.content), (c) => c.charCodeAt(0))], { type: file.mimeType })
      : new Blob([file.content], { type: `${file.mimeType};charset=utf-8` })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = file.fileName
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}
