/**
 * The page's own last line of defence (the APIs already mask): anything shaped like a resident
 * identity number (17 digits and a digit or X) is shown as 3301**********123X.
 */
const ID_NUMBER_IN_TEXT = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g

export function maskText (text: string): string {
  return text.replace(ID_NUMBER_IN_TEXT, (m) => `${m.slice(0, 4)}**********${m.slice(14)}`)
}

export function formatTime (iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—'
  const d = new Date(iso)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

export function formatSeconds (s: number | null): string {
  if (s === null) return '—'
  if (s < 1) return `${Math.round(s * 1000)} ms`
  if (s < 120) return `${s.toFixed(1)} s`
  if (s < 7200) return `${Math.round(s / 60)} min`
  return `${(s / 3600).toFixed(1)} h`
}
