import { type AlertChannelSpec, compileAlertChannel } from '../domain/alertChannel.js';
import { type AlertRuleSpec, compileAlertRule } from '../domain/alertRule.js';
import type { DestinationSettings } from '../domain/destinations.js';
import { AppError, type FieldIssue } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { sendNotice, type SendNoticeDeps, type SendNoticeResult } from '../alerts/sendNotice.js';
import { testNotice } from '../alerts/notice.js';
import type { Store } from '../store/connect.js';
import type { AlertChannelRow, AlertRuleRow, OutboxStatus } from '../store/schema.js';
import { listMessages } from '../store/sql/outbox.js';
import { deleteAlertChannel, getAlertChannel, getAlertChannelsByIds, insertAlertChannel, listAlertChannels, updateAlertChannel } from '../store/sql/alertChannels.js';
import { alertRulesUsingChannel, countAlertRules, deleteAlertRule, getAlertRule, insertAlertRule, listAlertRules, updateAlertRule } from '../store/sql/alertRules.js';
import { lockProject } from '../store/sql/accounts.js';
import type { Executor } from '../store/sql/executor.js';
import { getJob } from '../store/sql/jobs.js';
import { getSpacesByIds } from '../store/sql/spaces.js';
import { inTransaction } from '../store/transaction.js';
import type { Page } from './jobs.js';
import type { PlansService } from './plans.js';
import { alertChannelView, alertNoticeView, alertRuleView } from './views.js';

export interface AlertsServiceDeps {
  store: Store;
  plans: PlansService;
  /** The target policy's static check of a URL. */
  checkUrl: (url: string) => string | null;
  destinations: DestinationSettings;
  /** What sending a notice needs, less the database (this service's own). */
  sender: Omit<SendNoticeDeps, 'db'>;
}

const scopeFields = ['jobId', 'spaceId', 'tag'] as const;

function compiledChannel(input: unknown, deps: AlertsServiceDeps): AlertChannelSpec {
  const compiled = compileAlertChannel(input, deps.checkUrl, deps.destinations);
  if (!compiled.ok) throw AppError.validation(compiled.issues);
  return compiled.value;
}

function compiledRule(input: unknown): AlertRuleSpec {
  const compiled = compileAlertRule(input);
  if (!compiled.ok) throw AppError.validation(compiled.issues);
  return compiled.value;
}

function ruleColumns(rule: AlertRuleSpec) {
  return {
    name: rule.name,
    channel_ids: JSON.stringify(rule.channelIds),
    job_id: rule.jobId,
    space_id: rule.spaceId,
    tag: rule.tag,
    events: JSON.stringify(rule.events),
    consecutive_failures_threshold: rule.consecutiveFailuresThreshold,
    cooldown_minutes: rule.cooldownMinutes,
    enabled: rule.enabled ? 1 : 0,
  };
}

/** Alert channels and rules as resources of a project, and a channel's test send. */
export function createAlertsService(deps: AlertsServiceDeps) {
  const { store, plans } = deps;
  const serialise = async (db: Executor, projectId: string) => {
    if (store.kind === 'postgres') await lockProject(db, projectId);
  };

  async function loadChannel(db: Executor, projectId: string, id: string): Promise<AlertChannelRow> {
    const row = await getAlertChannel(db, projectId, id);
    if (!row) throw AppError.notFound(`Alert channel ${id}`);
    return row;
  }

  async function loadRule(db: Executor, projectId: string, id: string): Promise<AlertRuleRow> {
    const row = await getAlertRule(db, projectId, id);
    if (!row) throw AppError.notFound(`Alert rule ${id}`);
    return row;
  }

  /** 422 naming each channel, job or space the rule refers to that the project does not have. */
  async function checkReferences(db: Executor, projectId: string, rule: AlertRuleSpec): Promise<void> {
    const issues: FieldIssue[] = [];
    const found = new Set((await getAlertChannelsByIds(db, projectId, rule.channelIds)).map((c) => c.id));
    rule.channelIds.forEach((id, i) => {
      if (!found.has(id)) issues.push({ field: `channelIds[${i}]`, issue: `no alert channel ${id} in this project` });
    });
    if (rule.jobId !== null && !(await getJob(db, projectId, rule.jobId))) issues.push({ field: 'jobId', issue: `no job ${rule.jobId} in this project` });
    if (rule.spaceId !== null && (await getSpacesByIds(db, projectId, [rule.spaceId])).length === 0) issues.push({ field: 'spaceId', issue: `no space ${rule.spaceId} in this project` });
    if (issues.length > 0) throw AppError.validation(issues);
  }

  return {
    async createChannel(projectId: string, input: unknown) {
      const spec = compiledChannel(input, deps);
      const now = Date.now();
      const row: AlertChannelRow = { id: newId('ch', now), project_id: projectId, type: spec.type, name: spec.name, config: JSON.stringify(spec.config), created_at: now, updated_at: now };
      await insertAlertChannel(store.db, row);
      return alertChannelView(row);
    },

    async listChannels(projectId: string, { page, perPage }: Page) {
      const { rows, total } = await listAlertChannels(store.db, projectId, (page - 1) * perPage, perPage);
      return { items: rows.map(alertChannelView), total };
    },

    getChannel: async (projectId: string, id: string) => alertChannelView(await loadChannel(store.db, projectId, id)),

    /**
     * A new name keeps the config; a new config replaces the old one whole (its secrets given
     * again in full, since the API only ever shows them masked); a new type needs a new config.
     */
    async updateChannel(projectId: string, id: string, input: { type?: string; name?: string; config?: unknown }) {
      const row = await loadChannel(store.db, projectId, id);
      const type = input.type ?? row.type;
      if (type !== row.type && input.config === undefined) throw AppError.validation([{ field: 'config', issue: `is required when the type changes to ${type}` }]);
      const spec = compiledChannel({ type, name: input.name ?? row.name, config: input.config ?? (JSON.parse(row.config) as unknown) }, deps);
      await updateAlertChannel(store.db, id, { type: spec.type, name: spec.name, config: JSON.stringify(spec.config), updated_at: Date.now() });
      return alertChannelView(await loadChannel(store.db, projectId, id));
    },

    /** 409 naming the rules that still send to the channel: nothing is changed behind the caller's back. */
    async removeChannel(projectId: string, id: string): Promise<void> {
      await inTransaction(store, async (trx) => {
        await serialise(trx, projectId);
        await loadChannel(trx, projectId, id);
        const users = await alertRulesUsingChannel(trx, projectId, id);
        if (users.length > 0) {
          throw new AppError(
            'conflict',
            `Alert channel ${id} is used by ${users.length} alert rule(s): ${users.map((r) => `${r.id} ("${r.name}")`).join(', ')}; remove it from them or delete them first.`,
            users.map((r) => ({ field: 'ruleIds', issue: `${r.id} ("${r.name}") sends to this channel` })),
          );
        }
        await deleteAlertChannel(trx, id);
      });
    },

    /** Sends a test notice through the channel now and reports what the far end answered. */
    async testChannel(projectId: string, id: string): Promise<SendNoticeResult> {
      const row = await loadChannel(store.db, projectId, id);
      const now = Date.now();
      return sendNotice({ ...deps.sender, db: store.db }, row, testNotice(newId('ntc', now), projectId, now));
    },

    async createRule(projectId: string, input: unknown) {
      const spec = compiledRule(input);
      return inTransaction(store, async (trx) => {
        await serialise(trx, projectId);
        const plan = await plans.planOf(trx, projectId);
        if (plan.maxAlertConfigs !== null) {
          const used = await countAlertRules(trx, projectId);
          if (used + 1 > plan.maxAlertConfigs) {
            throw new AppError('max_alert_configs_exceeded', `The ${plan.name} plan allows at most ${plan.maxAlertConfigs} alert rules; this project has ${used}.`);
          }
        }
        await checkReferences(trx, projectId, spec);
        const now = Date.now();
        const row: AlertRuleRow = { id: newId('alr', now), project_id: projectId, ...ruleColumns(spec), created_at: now, updated_at: now };
        await insertAlertRule(trx, row);
        return alertRuleView(row);
      });
    },

    /** The notices the engine sent or tried to send, newest first, each with its last attempt. */
    async listNotices(projectId: string, filter: { status?: OutboxStatus; jobId?: string }, { page, perPage }: Page) {
      const { rows, total } = await listMessages(store.db, projectId, { kind: 'alert', ...filter }, (page - 1) * perPage, perPage);
      return { items: rows.map(alertNoticeView), total };
    },

    async listRules(projectId: string, { page, perPage }: Page) {
      const { rows, total } = await listAlertRules(store.db, projectId, (page - 1) * perPage, perPage);
      return { items: rows.map(alertRuleView), total };
    },

    getRule: async (projectId: string, id: string) => alertRuleView(await loadRule(store.db, projectId, id)),

    /** Changes the given fields; naming one of jobId, spaceId and tag replaces the rule's scope. */
    async updateRule(projectId: string, id: string, input: Record<string, unknown>) {
      return inTransaction(store, async (trx) => {
        await serialise(trx, projectId);
        const row = await loadRule(trx, projectId, id);
        const current = alertRuleView(row);
        const { id: _id, createdAt: _c, updatedAt: _u, ...stored } = current;
        const rescoped = scopeFields.some((f) => input[f] !== undefined);
        const merged: Record<string, unknown> = { ...stored, ...(rescoped ? { jobId: null, spaceId: null, tag: null } : {}), ...input };
        const spec = compiledRule(merged);
        await checkReferences(trx, projectId, spec);
        await updateAlertRule(trx, id, { ...ruleColumns(spec), updated_at: Date.now() });
        return alertRuleView((await getAlertRule(trx, projectId, id))!);
      });
    },

    async removeRule(projectId: string, id: string): Promise<void> {
      await inTransaction(store, async (trx) => {
        await loadRule(trx, projectId, id);
        await deleteAlertRule(trx, id);
      });
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
