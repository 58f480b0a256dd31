import type { AlertEvent } from '../domain/alertRule.js';
import { newId } from '../domain/ids.js';
import type { AttemptRecord } from '../domain/jobEvents.js';
import type { AlertRule } from '../domain/records.js';
import type { Dialect } from '../store/dialect.js';
import { decodeAlertRule, newOutboxRow } from '../store/rows.js';
import type { AlertStateRow, OutboxRow } from '../store/schema.js';
import { enabledAlertRules } from '../store/sql/alertRules.js';
import { alertStates, clearAlertStates, saveAlertStates } from '../store/sql/alertStates.js';
import type { Executor } from '../store/sql/executor.js';
import { covers, decideAlerts, type HealthChange } from './decideAlerts.js';
import { outcomeNotice } from './notice.js';

/** What rules are matched on and notices name. */
export interface AlertedJob {
  id: string;
  name: string | null;
  projectId: string;
  spaceId: string | null;
  tags: readonly string[];
}

/** The enabled alert rules of a batch's projects, and when each last notified about each job. */
export class AlertBook {
  private readonly changed = new Map<string, AlertStateRow | null>();

  private constructor(
    private readonly rules: ReadonlyMap<string, AlertRule[]>,
    private readonly sent: Map<string, number>,
    private readonly publicUrl: string | null,
  ) {}

  static async read(db: Executor, dialect: Dialect, jobs: readonly AlertedJob[], publicUrl: string | null): Promise<AlertBook> {
    const projectIds = [...new Set(jobs.map((j) => j.projectId))];
    const rules = new Map<string, AlertRule[]>();
    for (const row of await enabledAlertRules(db, dialect, projectIds)) {
      const rule = decodeAlertRule(row);
      const list = rules.get(row.project_id);
      if (list) list.push(rule);
      else rules.set(row.project_id, [rule]);
    }
    const sent = new Map<string, number>();
    if (rules.size > 0) {
      const jobIds = [...new Set(jobs.filter((j) => rules.has(j.projectId)).map((j) => j.id))];
      const ruleIds = [...rules.values()].flat().map((r) => r.id);
      for (const s of await alertStates(db, dialect, ruleIds, jobIds)) sent.set(key(s.rule_id, s.job_id, s.event), s.last_sent_at);
    }
    return new AlertBook(rules, sent, publicUrl);
  }

  /** True when no rule of the job's project covers it: most outcomes, which cost nothing more. */
  quietFor(job: AlertedJob): boolean {
    const rules = this.rules.get(job.projectId);
    return rules === undefined || !rules.some((r) => covers(r, job));
  }

  /**
   * The notices the project's rules send about one outcome of the job, as outbox rows (one per
   * rule, event and channel), with the cooldown marks moved on in memory until `write`.
   */
  notices(job: AlertedJob, change: HealthChange, attempt: AttemptRecord, now: number): OutboxRow[] {
    const rows: OutboxRow[] = [];
    for (const rule of this.rules.get(job.projectId) ?? []) {
      if (!covers(rule, job)) continue;
      const decision = decideAlerts(rule, change, (event) => this.lastSent(rule.id, job.id, event), now);
      for (const event of decision.clear) this.clear(rule.id, job.id, event);
      for (const event of decision.send) {
        this.mark(rule.id, job.id, event, now);
        for (const channelId of rule.channelIds) {
          const id = newId('msg', now);
          const notice = outcomeNotice(id, event, attempt, job, change.consecutiveFailures, now, this.publicUrl);
          rows.push(newOutboxRow({ id, projectId: job.projectId, jobId: job.id, kind: 'alert', event, channelId, ruleId: rule.id, body: notice, now }));
        }
      }
    }
    return rows;
  }

  private lastSent(ruleId: string, jobId: string, event: AlertEvent): number | undefined {
    return this.sent.get(key(ruleId, jobId, event));
  }

  private mark(ruleId: string, jobId: string, event: AlertEvent, at: number): void {
    const k = key(ruleId, jobId, event);
    this.sent.set(k, at);
    this.changed.set(k, { rule_id: ruleId, job_id: jobId, event, last_sent_at: at });
  }

  private clear(ruleId: string, jobId: string, event: AlertEvent): void {
    const k = key(ruleId, jobId, event);
    if (!this.sent.delete(k)) return;
    this.changed.set(k, null);
  }

  async write(db: Executor): Promise<void> {
    const saved: AlertStateRow[] = [];
    const cleared: Omit<AlertStateRow, 'last_sent_at'>[] = [];
    for (const [k, row] of this.changed) {
      if (row) saved.push(row);
      else {
        const [rule_id, job_id, event] = k.split(' ') as [string, string, string];
        cleared.push({ rule_id, job_id, event });
      }
    }
    await saveAlertStates(db, saved);
    await clearAlertStates(db, cleared);
  }
}

const key = (ruleId: string, jobId: string, event: string) => `${ruleId} ${jobId} ${event}`;
