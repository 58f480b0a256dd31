/** A job's last 24 h of attempts as bars: tall green for a success, short red for a failure, grey otherwise. */
export function Sparkline({ points }: { points: number[] | undefined }) {
  if (!points || points.length === 0) return <span className="muted">no runs</span>;
  const w = 4;
  const ok = points.filter((p) => p === 1).length;
  const failed = points.filter((p) => p === 0).length;
  return (
    <svg className="sparkline" width={points.length * w} height={20} role="img" aria-label={`${ok} succeeded, ${failed} failed in 24 h`}>
      {points.map((p, i) => (
        <rect key={i} x={i * w} width={w - 1} y={p === 1 ? 2 : 10} height={p === 1 ? 18 : 10} className={p === 1 ? 'ok' : p === 0 ? 'fail' : 'other'} />
      ))}
    </svg>
  );
}
