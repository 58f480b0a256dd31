import type { Project } from '@kairos/sdk';
import { Command } from 'commander';
import { clientOf, collect, examples, outputOf } from '../context.js';
import { type Column, relative } from '../output.js';

const projectColumns: Column<Project>[] = [
  { header: 'id', value: (p) => p.id },
  { header: 'name', value: (p) => p.name },
  { header: 'created', value: (p) => relative(p.createdAt) },
];

export function projectsCommand(): Command {
  const projects = new Command('projects')
    .description('the projects you can reach (an API key reaches its own), with the current one\'s plan and usage')
    .action(async (_options: unknown, cmd: Command) => {
      const out = outputOf(cmd);
      const client = clientOf();
      const [{ items }, usage] = await Promise.all([collect(client.projects.list(), 1_000, out, 'projects'), client.usage.get()]);
      out.result({ projects: items, current: usage }, () => {
        out.table(items, projectColumns);
        const u = usage.usage;
        const of = (c: { used: number; limit: number | null }) => `${c.used}${c.limit === null ? '' : ` of ${c.limit}`}`;
        out.line();
        out.line(`Plan ${usage.plan}: ${of(u.jobs)} jobs, ${of(u.dailyRuns)} runs today, ${of(u.monthlyRuns)} this month, ${of(u.alertConfigs)} alert rules.`);
      });
    });
  return examples(projects, 'kairos projects', 'kairos projects --json');
}
