// Flips Electron's fuses in a packaged ICLAS build (run by whoever packages the app, after packaging and
// before signing): the binary can no longer be used as a plain Node (RunAsNode), cannot be steered through
// NODE_OPTIONS or --inspect, loads the app only from its asar archive and checks that archive's integrity,
// and encrypts cookies at rest. Fuses are bits inside the Electron executable, so this needs the packaged
// binary: it cannot run on a machine that only has the npm package (no Electron binary is downloaded here).
//   node scripts/flip-fuses.mjs <path to the packaged executable or the .app bundle>
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses'
import fs from 'node:fs'

export const ICLAS_FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.EnableCookieEncryption]: true,
  // Left as Electron ships them: the renderer is loaded from file:// (turning GrantFileProtocolExtraPrivileges
  // off needs a custom app:// protocol first); the V8 snapshot and WASM trap handler fuses do not concern us.
}

const target = process.argv[2]
if (!target || !fs.existsSync(target)) {
  console.error(
    'usage: node scripts/flip-fuses.mjs <packaged ICLAS executable or .app>\n' +
      (target ? `no such file: ${target}\n` : '') +
      'Fuses live in the packaged Electron binary; run this after packaging, before code signing.',
  )
  process.exit(1)
}
// macOS: flipping invalidates the signature; ad-hoc re-sign so the app still starts (sign properly afterwards).
await flipFuses(target, { ...ICLAS_FUSES, resetAdHocDarwinSignature: process.platform === 'darwin' })
const wire = await getCurrentFuseWire(target)
const names = Object.entries(FuseV1Options).filter(([, v]) => typeof v === 'number')
let ok = true
for (const [name, index] of names) {
  const want = ICLAS_FUSES[index]
  const have = wire[index]
  // FuseState: 0x30 disable, 0x31 enable, 0x72 removed, 0x90 inherit
  const state = have === 0x31 ? 'on' : have === 0x30 ? 'off' : `state ${have}`
  const mismatch = want !== undefined && state !== (want ? 'on' : 'off')
  if (mismatch) ok = false
  console.log(
    `${mismatch ? '✗' : '✓'} ${name.padEnd(40)} ${state}${want === undefined ? ' (unchanged)' : ''}`,
  )
}
process.exit(ok ? 0 : 1)
