/** One step of the demo scenario: what was expected, what happened, whether it held. */
export interface DemoStep {
  step: string
  expected: string
  got: string
  ok: boolean
}

/** Renders the steps as a plain-text table (no colours: it also goes to CI logs). */
export function renderSteps (steps: DemoStep[]): string {
  const head = { step: 'step', expected: 'expected', got: 'got', ok: 'ok' }
  const rows = steps.map((s) => ({ step: s.step, expected: s.expected, got: s.got, ok: s.ok ? 'yes' : 'NO' }))
  const width = (k: keyof typeof head): number => Math.max(head[k].length, ...rows.map((r) => [...r[k]].length))
  const pad = (v: string, n: number): string => v + ' '.repeat(Math.max(0, n - [...v].length))
  const line = (r: typeof head): string => `| ${(Object.keys(head) as Array<keyof typeof head>).map((k) => pad(r[k], width(k))).join(' | ')} |`
  const sep = `|${(Object.keys(head) as Array<keyof typeof head>).map((k) => '-'.repeat(width(k) + 2)).join('|')}|`
  return [line(head), sep, ...rows.map(line)].join('\n')
}
