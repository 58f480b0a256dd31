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
import type { Page } from './page.js';
import type { PlansService } from './plans.js';
import type { AlertChannel, AlertRule } from '../domain/records.js';
import { decodeAlertChannel, decodeAlertNotice, decodeAlertRule } from '../store/rows.js';

export interface AlertsServiceDeps {
  store: Store;
  plans: PlansService;
  /** The target policy's static check of a URL. */
  checkUrl: (url: string) => string | null;
  destinations: DestinationSettings;
  /** What sending a notice needs, less the database (this service's own). */
  sender: Omit<SendNoticeDeps, 'db' | 'dialect'>;
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
    await lockProject(db, store.dialect, projectId);
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
    const found = new Set((await getAlertChannelsByIds(db, store.dialect, projectId, rule.channelIds)).map((c) => c.id));
    rule.channelIds.forEach((id, i) => {
      if (!found.has(id)) issues.push({ field: `channelIds[${i}]`, issue: `no alert channel ${id} in this project` });
    });
    if (rule.jobId !== null && !(await getJob(db, projectId, rule.jobId))) issues.push({ field: 'jobId', issue: `no job ${rule.jobId} in this project` });
    if (rule.spaceId !== null && (await getSpacesByIds(db, store.dialect, projectId, [rule.spaceId])).length === 0) issues.push({ field: 'spaceId', issue: `no space ${rule.spaceId} in this project` });
    if (issues.length > 0) throw AppError.validation(issues);
  }

  async function insertRule(trx: Executor, projectId: string, spec: AlertRuleSpec) {
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
    return decodeAlertRule(row);
  }

  /** Changes the given fields; naming one of jobId, spaceId and tag replaces the rule's scope. */
  async function changeRule(trx: Executor, projectId: string, row: AlertRuleRow, input: Record<string, unknown>) {
    const { id: _id, createdAt: _c, updatedAt: _u, ...stored } = decodeAlertRule(row);
    const rescoped = scopeFields.some((f) => input[f] !== undefined);
    const merged: Record<string, unknown> = { ...stored, ...(rescoped ? { jobId: null, spaceId: null, tag: null } : {}), ...input };
    const spec = compiledRule(merged);
    await checkReferences(trx, projectId, spec);
    await updateAlertRule(trx, row.id, { ...ruleColumns(spec), updated_at: Date.now() });
    return decodeAlertRule((await getAlertRule(trx, projectId, row.id))!);
  }

  return {
    async createChannel(projectId: string, input: unknown) {
      const spec = compiledChannel(input, deps);
      const now = Date.now();
      const row: AlertChannelRow = { id: newId('ch', now), project_id: projectId, type: spec.type, name: spec.name, config: JSON.stringify(spec.config), created_at: now, updated_at: now };
      await insertAlertChannel(store.db, row);
      return decodeAlertChannel(row);
    },

    async listChannels(projectId: string, { page, perPage }: Page) {
      const { rows, total } = await listAlertChannels(store.db, projectId, (page - 1) * perPage, perPage);
      return { items: rows.map(decodeAlertChannel), total };
    },

    getChannel: async (projectId: string, id: string) => decodeAlertChannel(await loadChannel(store.db, projectId, id)),

    /**
     * A new name keeps the config; a new config replaces the old one whole (its secrets given
     * again in full, since the API only ever shows them masked); a new type needs a new config.
     */
    async updateChannel(projectId: string, id: string, input: { type?: string; name?: string; config?: unknown }) {
      const row = await loadChannel(store.db, projectId, id);
      const type = input.type ?? row.type;
      if (type !== row.type && input.config === undefined) throw AppError.validation([{ field: 'config', issue: `is required when the type changes to ${type}` }]);
      const spec = compiledChannel({ type, name: input.name ?? row.name, config: input.config ?? decodeAlertChannel(row).config }, deps);
      await updateAlertChannel(store.db, id, { type: spec.type, name: spec.name, config: JSON.stringify(spec.config), updated_at: Date.now() });
      return decodeAlertChannel(await loadChannel(store.db, projectId, id));
    },

    /**
     * 409 naming the rules that still send to the channel: nothing is changed behind the caller's
     * back. With `ownRules`, rules that send to this channel alone go with it (a dialect's channel
     * and the rule made with it are one object to its clients).
     */
    async removeChannel(projectId: string, id: string, options: { ownRules?: boolean } = {}): Promise<void> {
      await inTransaction(store, async (trx) => {
        await serialise(trx, projectId);
        await loadChannel(trx, projectId, id);
        let users = await alertRulesUsingChannel(trx, projectId, id);
        if (options.ownRules) {
          const rest: typeof users = [];
          for (const user of users) {
            const rule = await loadRule(trx, projectId, user.id);
            if (decodeAlertRule(rule).channelIds.length === 1) await deleteAlertRule(trx, rule.id);
            else rest.push(user);
          }
          users = rest;
        }
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
      return sendNotice({ ...deps.sender, db: store.db, dialect: store.dialect }, row, testNotice(newId('ntc', now), projectId, now));
    },

    createRule: (projectId: string, input: unknown) => inTransaction(store, (trx) => insertRule(trx, projectId, compiledRule(input))),

    /**
     * A rule with a channel of its own, made together (for dialects whose alert is one object:
     * Runhooks' alert config, a JustRun channel's project-wide events). Both or neither are stored.
     */
    async createRuleWithChannel(projectId: string, channelInput: unknown, ruleInput: Record<string, unknown>) {
      const channelSpec = compiledChannel(channelInput, deps);
      const now = Date.now();
      const channel: AlertChannelRow = { id: newId('ch', now), project_id: projectId, type: channelSpec.type, name: channelSpec.name, config: JSON.stringify(channelSpec.config), created_at: now, updated_at: now };
      const spec = compiledRule({ ...ruleInput, channelIds: [channel.id] });
      return inTransaction(store, async (trx) => {
        await insertAlertChannel(trx, channel);
        const rule = await insertRule(trx, projectId, spec);
        return { rule, channels: [decodeAlertChannel(channel)] };
      });
    },

    /** Every rule of the project (at most 1 000) with the channels it sends to. */
    async listRulesWithChannels(projectId: string) {
      const { rows } = await listAlertRules(store.db, projectId, 0, 1_000);
      const rules = rows.map(decodeAlertRule);
      const ids = [...new Set(rules.flatMap((r) => r.channelIds))];
      const channels = new Map((await getAlertChannelsByIds(store.db, store.dialect, projectId, ids)).map((c) => [c.id, decodeAlertChannel(c)]));
      return rules.map((r) => withChannels(r, channels));
    },

    async getRuleWithChannels(projectId: string, id: string) {
      const rule = decodeAlertRule(await loadRule(store.db, projectId, id));
      const channels = new Map((await getAlertChannelsByIds(store.db, store.dialect, projectId, rule.channelIds)).map((c) => [c.id, decodeAlertChannel(c)]));
      return withChannels(rule, channels);
    },

    /** Changes a rule and, when `channelInput` is given, its first channel, together. */
    async updateRuleWithChannel(projectId: string, id: string, ruleInput: Record<string, unknown>, channelInput?: { type?: string; name?: string; config?: unknown }) {
      return inTransaction(store, async (trx) => {
        await serialise(trx, projectId);
        const row = await loadRule(trx, projectId, id);
        const channelId = decodeAlertRule(row).channelIds[0];
        if (channelInput && channelId !== undefined) {
          const channel = await loadChannel(trx, projectId, channelId);
          const type = channelInput.type ?? channel.type;
          if (type !== channel.type && channelInput.config === undefined) throw AppError.validation([{ field: 'config', issue: `is required when the type changes to ${type}` }]);
          const spec = compiledChannel({ type, name: channelInput.name ?? channel.name, config: channelInput.config ?? decodeAlertChannel(channel).config }, deps);
          await updateAlertChannel(trx, channelId, { type: spec.type, name: spec.name, config: JSON.stringify(spec.config), updated_at: Date.now() });
        }
        const rule = await changeRule(trx, projectId, row, ruleInput);
        const channels = new Map((await getAlertChannelsByIds(trx, store.dialect, projectId, rule.channelIds)).map((c) => [c.id, decodeAlertChannel(c)]));
        return withChannels(rule, channels);
      });
    },

    /** The notices the engine sent or tried to send, newest first, each with its last attempt. */
    async listNotices(projectId: string, filter: { status?: OutboxStatus; jobId?: string }, { page, perPage }: Page) {
      const { rows, total } = await listMessages(store.db, projectId, { kind: 'alert', ...filter }, (page - 1) * perPage, perPage);
      return { items: rows.map(decodeAlertNotice), total };
    },

    async listRules(projectId: string, { page, perPage }: Page) {
      const { rows, total } = await listAlertRules(store.db, projectId, (page - 1) * perPage, perPage);
      return { items: rows.map(decodeAlertRule), total };
    },

    getRule: async (projectId: string, id: string) => decodeAlertRule(await loadRule(store.db, projectId, id)),

    /** Changes the given fields; naming one of jobId, spaceId and tag replaces the rule's scope. */
    async updateRule(projectId: string, id: string, input: Record<string, unknown>) {
      return inTransaction(store, async (trx) => {
        await serialise(trx, projectId);
        return changeRule(trx, projectId, await loadRule(trx, projectId, id), input);
      });
    },

    /** With `ownChannels`, the rule's channels that no other rule sends to go with it. */
    async removeRule(projectId: string, id: string, options: { ownChannels?: boolean } = {}): Promise<void> {
      await inTransaction(store, async (trx) => {
        await serialise(trx, projectId);
        const row = await loadRule(trx, projectId, id);
        await deleteAlertRule(trx, id);
        if (!options.ownChannels) return;
        for (const channelId of decodeAlertRule(row).channelIds) {
          if ((await alertRulesUsingChannel(trx, projectId, channelId)).length === 0) await deleteAlertChannel(trx, channelId);
        }
      });
    },
  };
}

/** A rule with its channels in the order it names them (a channel deleted meanwhile left out). */
function withChannels(rule: AlertRule, channels: Map<string, AlertChannel>) {
  return { rule, channels: rule.channelIds.map((id) => channels.get(id)).filter((c): c is AlertChannel => c !== undefined) };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
