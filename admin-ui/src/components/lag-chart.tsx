import { useEffect, useRef } from 'preact/hooks'
import UPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { OverviewV1 } from '../../../contracts/admin-v1.js'

export type LagPoint = OverviewV1['lag']['points'][number]

const COLOURS = ['#1f6feb', '#d97706', '#16a34a', '#c026d3', '#dc2626', '#0891b2']

/** Aligns the points into uPlot's columns: one x axis (bucket starts), one series per platform. */
export function alignLag (points: LagPoint[], platforms: string[]): UPlot.AlignedData {
  const xs = [...new Set(points.map((p) => p.t))].sort((a, b) => a - b)
  const columns = platforms.map(
    (pl) => xs.map((x) => points.find((p) => p.t === x && p.platform === pl)?.avgSeconds ?? null)
  )
  return [xs, ...columns]
}

/** Average delivery lag (acceptance to the destination's receipt) per platform over time. */
export function LagChart (
  { points, platforms, title, yLabel, from, to }: {
    points: LagPoint[], platforms: string[], title: string, yLabel: string, from: number, to: number
  }
) {
  const el = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const host = el.current
    if (host === null) return
    const width = Math.max(320, host.clientWidth)
    const plot = new UPlot({
      title,
      width,
      height: 260,
      // The whole window, also when only a few buckets had deliveries; lag from zero.
      scales: { x: { time: true, range: [from, to] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] } },
      axes: [{}, { label: yLabel }],
      series: [
        {},
        ...platforms.map(
          (p, i) => (
            { label: p, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: true, points: { show: true } }
          )
        )
      ]
    }, alignLag(points, platforms), host)
    return () => { plot.destroy() }
  }, [JSON.stringify(points), platforms.join(','), title, from, to])
  return <div class='chart' ref={el} data-testid='lag-chart' />
}
