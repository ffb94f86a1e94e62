// What a visit to browser mode without the access token gets: a page that says how to get in (the launch
// address printed at start, the token changing at every start, the accounts of a new workstation), instead
// of a bare 401. Static HTML, no script, nothing from the request echoed back.

export function signInHelpPage(opts: { port: number; staleToken: boolean }): string {
  const address = `http://127.0.0.1:${opts.port}/?token=…`
  const why = opts.staleToken
    ? `<p>The access token this browser sent is from an earlier start of the workstation: the token changes
       every time the workstation starts, so a reload or a bookmark after a restart lands here.</p>`
    : `<p>This address needs the workstation's access token, which is part of the address printed when the
       workstation started. The token changes at every start, so a bookmark without it lands here.</p>`
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ICLAS — how to sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1d2733}
h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.6rem}code{background:#eef2f6;padding:.1rem .3rem;
border-radius:3px}ol li{margin:.4rem 0}table{border-collapse:collapse}td,th{padding:.2rem .8rem .2rem 0;
text-align:left}.muted{color:#555}</style></head><body>
<main data-testid="sign-in-help">
<h1>ICLAS — how to sign in</h1>
${why}
<ol>
<li>Find the window where the workstation runs (<code>npm start</code> or <code>npx iclas serve</code>) and
its line <code>Open ${address}</code>.</li>
<li>Open that whole address, token included, in this browser on this computer. The browser keeps the token
until the workstation restarts.</li>
<li>Choose your name on the sign-in screen and type your PIN (not needed on the demo ward, in demo mode).</li>
</ol>
<p>No such window? Start the workstation again with <code>npm start -- --browser</code> (or ask whoever runs
it) and open the address it prints.</p>
<h2>Accounts on a new workstation</h2>
<table><thead><tr><th>account</th><th>role</th></tr></thead><tbody>
<tr><td>Ward nurse</td><td>nurse: imports recordings, adds infants</td></tr>
<tr><td>Clinician</td><td>clinician: reviews flagged cries, handles alerts</td></tr>
<tr><td>Researcher</td><td>researcher: thresholds, models, evaluations</td></tr>
<tr><td>Administrator</td><td>admin: users, PINs, backups</td></tr>
</tbody></table>
<p class="muted">They start without PINs. PINs are mandatory except on the demo ward: on a new ward the
administrator signs in first and sets every account's PIN, which each person then types. Browser mode
answers only on this computer (127.0.0.1).</p>
</main></body></html>`
}
