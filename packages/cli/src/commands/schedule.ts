import { Command, Option } from 'commander';
import { clientOf, examples, outputOf, positiveInteger } from '../context.js';

export function scheduleCommand(): Command {
  const schedule = new Command('schedule').description('schedules before a job exists: in words, with their next runs');
  examples(schedule, 'kairos schedule explain "0 9 * * 1-5" --tz Europe/Berlin');

  const explain = new Command('explain')
    .description('say a cron expression in words and list its next occurrences')
    .argument('<cron>', 'a cron expression (5 fields, or 6 with seconds), quoted')
    .option('--tz <zone>', 'the IANA time zone it runs in (default UTC)')
    .addOption(new Option('--count <n>', 'how many occurrences (at most 50)').argParser(positiveInteger).default(5))
    .option('--from <instant>', 'as if the job were created at this ISO-8601 instant (default now)')
    .action(async (expression: string, options: { tz?: string; count: number; from?: string }, cmd: Command) => {
      const out = outputOf(cmd);
      const preview = await clientOf().schedules.preview({
        schedule: { type: 'cron', expression, ...(options.tz ? { timezone: options.tz } : {}) },
        count: options.count,
        ...(options.from ? { from: options.from } : {}),
      });
      out.result(preview, () => {
        out.line(preview.description);
        for (const at of preview.occurrences) out.line(`  ${at}  ${localTime(at, preview.timezone)}`);
      });
    });
  schedule.addCommand(examples(explain, 'kairos schedule explain "*/15 * * * *"', 'kairos schedule explain "0 9 * * 1-5" --tz Europe/Berlin --count 3', 'kairos schedule explain "0 0 1 * *" --json'));
  return schedule;
}

/** The instant as a wall-clock time in the schedule's zone, e.g. "Mon 2026-12-07 09:00 Europe/Berlin". */
function localTime(iso: string, timezone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${timezone}`;
}
