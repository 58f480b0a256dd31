import type { Job } from '@kairos/sdk';

/** A schedule in a few words for a table cell ("cron 0 9 * * 1-5 (Europe/Berlin)", "every 5m"). */
export function scheduleSummary(schedule: Job['schedule']): string {
  const zone = schedule.timezone && schedule.timezone !== 'UTC' ? ` (${schedule.timezone})` : '';
  switch (schedule.type) {
    case 'once':
      return `once ${schedule.at ?? ''}`.trim();
    case 'cron':
      return `cron ${schedule.expression}${zone}`;
    case 'interval':
      return `every ${duration(Number(schedule.every))}`;
    case 'preset':
      return `${schedule.preset}${zone}`;
    case 'weekly':
      return `${schedule.day} ${String(schedule.hour).padStart(2, '0')}:${String(schedule.minute ?? 0).padStart(2, '0')}${zone}`;
    case 'daily':
      return `daily ${(schedule.times ?? []).join(',')}${zone}`;
    default:
      return String(schedule.type);
  }
}

/** Milliseconds as "1h30m", "45s", "250ms". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${ms}ms`;
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  let rest = Math.round(ms / 1000) * 1000;
  let text = '';
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      text += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return text;
}
