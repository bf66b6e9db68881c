/** The value of one sample of a Prometheus text page (`name{labels} value`), labels in page order; NaN if absent. */
export function sampleOf (page: string, series: string): number {
  const line = page.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1))
}

/** Every metric family the page declares (`# TYPE <name> …`). */
export function familiesOf (page: string): Set<string> {
  return new Set(page.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2] ?? ''))
}
