import type { Space } from '@kairos/sdk';
import { z } from 'zod';
import * as schemas from '../generated/schemas.js';
import { defineTool, firstItems, fromOpenApi, limitInput, listOutput, maxListItems } from '../tool.js';

const space = fromOpenApi(schemas.space);

export const listSpaces = defineTool({
  name: 'list_spaces',
  title: 'List spaces',
  description: 'Lists the spaces of the project: groups of jobs with a shared time zone, paused or resumed together.',
  readOnly: true,
  input: { limit: limitInput },
  output: { spaces: z.array(space), ...listOutput },
  async run(kairos, { limit }) {
    const { items, note, ...rest } = await firstItems(kairos.spaces.list({ perPage: Math.min(limit, 100) }), limit, 'spaces');
    return { result: { spaces: items as Space[], ...rest }, ...(note ? { note } : {}) };
  },
});

export const createSpace = defineTool({
  name: 'create_space',
  title: 'Create a space',
  description: 'Creates a space to group jobs in (create_job takes its id as spaceId).',
  readOnly: false,
  input: {
    name: z.string().min(1).max(50).describe('The space name, unique in the project'),
    timezone: z.string().optional().describe('IANA time zone that new recurring jobs in the space inherit, e.g. "America/New_York"'),
  },
  output: { space },
  async run(kairos, { name, timezone }) {
    return { result: { space: await kairos.spaces.create({ name, ...(timezone ? { timezone } : {}) }) } };
  },
});

export const getUsage = defineTool({
  name: 'get_usage',
  title: 'Get plan and usage',
  description: "The project's plan, its limits (jobs, runs a month, minimum interval …) and what is used of them.",
  readOnly: true,
  input: {},
  output: { usage: fromOpenApi(schemas.usage) },
  async run(kairos) {
    return { result: { usage: await kairos.usage.get() } };
  },
});

export const listAlerts = defineTool({
  name: 'list_alerts',
  title: 'List alerts',
  description: 'The alert rules (which failures alert whom), the channels they notify (email, Slack, webhook …) and the most recent notices sent.',
  readOnly: true,
  input: { limit: limitInput.describe('How many recent notices to return at most (default 20)') },
  output: {
    rules: z.array(fromOpenApi(schemas.alertRule)),
    channels: z.array(fromOpenApi(schemas.alertChannel)),
    notices: z.array(fromOpenApi(schemas.alertNotice)),
    total: z.number().int().describe('How many notices exist in all'),
    truncated: z.boolean().describe('More notices exist than were returned'),
  },
  async run(kairos, { limit }) {
    const [rules, channels, notices] = await Promise.all([
      firstItems(kairos.alerts.rules.list({ perPage: maxListItems }), maxListItems, 'rules'),
      firstItems(kairos.alerts.channels.list({ perPage: maxListItems }), maxListItems, 'channels'),
      firstItems(kairos.alerts.notices({ perPage: Math.min(limit, 100) }), limit, 'notices'),
    ]);
    const { items, note, ...rest } = notices;
    const notes = [rules.note, channels.note, note].filter(Boolean).join(' ');
    return { result: { rules: rules.items, channels: channels.items, notices: items, ...rest }, ...(notes ? { note: notes } : {}) };
  },
});

export const explainSchedule = defineTool({
  name: 'explain_schedule',
  title: 'Explain a schedule',
  description: 'Says a cron expression or an interval in plain words and lists its next occurrences, without creating anything: check a schedule before create_job.',
  readOnly: true,
  input: {
    cron: z.string().optional().describe('A cron expression, e.g. "30 8 * * 1" (give cron or every)'),
    every: z.string().optional().describe('An interval such as "15m" or "2h" (give cron or every)'),
    timezone: z.string().optional().describe('IANA time zone, e.g. "Europe/Paris" (default UTC)'),
    count: z.number().int().min(1).max(50).default(5).describe('How many occurrences (1-50, default 5)'),
  },
  output: { preview: fromOpenApi(schemas.schedulePreview) },
  async run(kairos, { cron, every, timezone, count }) {
    if ((cron === undefined) === (every === undefined)) throw new TypeError('give exactly one of cron and every');
    const zone = timezone ? { timezone } : {};
    const schedule = cron !== undefined ? { type: 'cron' as const, expression: cron, ...zone } : { type: 'interval' as const, every: every!, ...zone };
    return { result: { preview: await kairos.schedules.preview({ schedule, count }) } };
  },
});
