// Small dependency-free SVG charts. Each one has a text alternative (role="img" with a
// label) and the numbers are also available as a table for screen readers.

import { useId } from 'react'

export const PALETTE = ['#1f6f8b', '#e0a43a', '#5b8c5a', '#b5525c', '#7a5ea8', '#3a9d9b', '#c77d3a', '#4f6d7a', '#9a8c3b', '#d06b9a']

export interface LinePoint {
  at: number
  value: number | null
}

export interface LineSeries {
  name: string
  points: LinePoint[]
}

const W = 640
const H = 240
const PAD = { top: 16, right: 16, bottom: 32, left: 40 }

export function LineChart({
  series,
  label,
  formatX,
  yMax = 100,
}: {
  series: LineSeries[]
  label: string
  formatX: (at: number) => string
  yMax?: number
}) {
  const all = series.flatMap((s) => s.points)
  const xs = all.map((p) => p.at)
  const minX = Math.min(...xs)
  const maxX = Math.max(...xs)
  const spanX = maxX - minX || 1
  const x = (at: number) => PAD.left + ((at - minX) / spanX) * (W - PAD.left - PAD.right)
  const y = (value: number) => PAD.top + (1 - value / yMax) * (H - PAD.top - PAD.bottom)
  const ticks = [0, 25, 50, 75, 100].map((v) => (v / 100) * yMax)
  // Three ticks at most, and never the same label twice (all points on one day).
  const xTicks = (xs.length ? [minX, minX + spanX / 2, maxX] : []).filter(
    (tick, i, all) => all.findIndex((other) => formatX(other) === formatX(tick)) === i,
  )
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="xMidYMid meet">
        {ticks.map((tick) => (
          <g key={tick}>
            <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={y(tick)} y2={y(tick)} />
            <text className="axis" x={PAD.left - 8} y={y(tick) + 4} textAnchor="end">
              {tick}
            </text>
          </g>
        ))}
        {xTicks.map((tick, i) => (
          <text key={i} className="axis" x={x(tick)} y={H - 10} textAnchor={i === 0 ? 'start' : i === 2 ? 'end' : 'middle'}>
            {formatX(tick)}
          </text>
        ))}
        {series.map((s, index) => {
          const points = s.points.filter((p): p is { at: number; value: number } => p.value !== null)
          const color = PALETTE[index % PALETTE.length]
          const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')
          return (
            <g key={s.name}>
              {points.length > 1 && <path d={path} fill="none" stroke={color} strokeWidth={2.5} strokeLinejoin="round" />}
              {points.map((p, i) => (
                <circle key={i} cx={x(p.at)} cy={y(p.value)} r={4} fill={color}>
                  <title>{`${s.name} · ${formatX(p.at)}: ${Math.round(p.value)}`}</title>
                </circle>
              ))}
            </g>
          )
        })}
      </svg>
      {series.length > 1 && <Legend names={series.map((s) => s.name)} />}
    </figure>
  )
}

export function Legend({ names }: { names: string[] }) {
  return (
    <ul className="legend">
      {names.map((name, i) => (
        <li key={name}>
          <span className="swatch" data-color={i % PALETTE.length} style={{ background: PALETTE[i % PALETTE.length] }} aria-hidden="true" />
          {name}
        </li>
      ))}
    </ul>
  )
}

export interface StackedColumn {
  label: string
  parts: { name: string; value: number }[]
}

/** Columns (e.g. months) stacked by category (e.g. phases). */
export function StackedColumns({ columns, names, label }: { columns: StackedColumn[]; names: string[]; label: string }) {
  const titleId = useId()
  const totals = columns.map((c) => c.parts.reduce((sum, p) => sum + p.value, 0))
  const max = Math.max(1, ...totals)
  const inner = W - PAD.left - PAD.right
  const step = inner / Math.max(1, columns.length)
  const barWidth = Math.max(6, step * 0.62)
  const y = (value: number) => (value / max) * (H - PAD.top - PAD.bottom)
  const niceTicks = [0, 0.5, 1].map((f) => Math.round(max * f))
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={titleId}>
        <title id={titleId}>{label}</title>
        {niceTicks.map((tick) => (
          <g key={tick}>
            <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom - y(tick)} y2={H - PAD.bottom - y(tick)} />
            <text className="axis" x={PAD.left - 8} y={H - PAD.bottom - y(tick) + 4} textAnchor="end">
              {tick}
            </text>
          </g>
        ))}
        {columns.map((column, ci) => {
          let base = H - PAD.bottom
          const cx = PAD.left + step * ci + (step - barWidth) / 2
          return (
            <g key={column.label}>
              {column.parts.map((part) => {
                const height = y(part.value)
                base -= height
                const color = PALETTE[names.indexOf(part.name) % PALETTE.length]
                return (
                  <rect key={part.name} x={cx} y={base} width={barWidth} height={height} fill={color} rx={1.5}>
                    <title>{`${column.label} · ${part.name}: ${part.value}`}</title>
                  </rect>
                )
              })}
              <text className="axis" x={cx + barWidth / 2} y={H - 12} textAnchor="middle">
                {column.label}
              </text>
            </g>
          )
        })}
      </svg>
      <Legend names={names} />
    </figure>
  )
}

/** Horizontal bars with their values written out: readable at any width. */
export function BarList({
  rows,
  label,
  max,
}: {
  rows: { name: string; value: number | null; text: string; note?: string }[]
  label: string
  max?: number
}) {
  const top = max ?? Math.max(1e-9, ...rows.map((r) => r.value ?? 0))
  return (
    <ul className="bar-list" aria-label={label}>
      {rows.map((row) => (
        <li key={row.name}>
          <div className="bar-label">
            <span>{row.name}</span>
            <strong>{row.text}</strong>
          </div>
          <div className="bar-track" aria-hidden="true">
            {row.value !== null && <div className="bar-fill" style={{ width: `${Math.max(2, (row.value / top) * 100)}%` }} />}
          </div>
          {row.note && <div className="bar-note">{row.note}</div>}
        </li>
      ))}
    </ul>
  )
}
