import type { Kairos } from '@kairos/sdk';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { z } from 'zod';
import { getExecution, getExecutions, replayExecution } from './tools/executions.js';
import { createJob, deleteJob, getJob, listJobs, pauseJob, resumeJob, runJob, updateJob } from './tools/jobs.js';
import { createSpace, explainSchedule, getUsage, listAlerts, listSpaces } from './tools/project.js';
import { exportProject, importJobs } from './tools/transfers.js';
import { register, type Tool } from './tool.js';
import { version } from './version.js';

/** Every tool, in the order a model sees them. */
export const tools = [
  listJobs,
  getJob,
  createJob,
  updateJob,
  deleteJob,
  runJob,
  pauseJob,
  resumeJob,
  getExecutions,
  getExecution,
  replayExecution,
  listSpaces,
  createSpace,
  getUsage,
  listAlerts,
  explainSchedule,
  importJobs,
  exportProject,
] as unknown as Tool<z.ZodRawShape, z.ZodRawShape>[];

export interface ServerOptions {
  /** Offer only the tools that read (for an assistant that should look, not touch). */
  readOnly?: boolean;
}

/** An MCP server whose tools act on a Kairos project through the SDK. */
export function createServer(kairos: Kairos, { readOnly = false }: ServerOptions = {}): McpServer {
  const server = new McpServer(
    { name: 'kairos', title: 'Kairos job scheduler', version },
    {
      instructions:
        'Kairos schedules HTTP requests (and Slack, Discord, Telegram, email messages): once at an instant, or on a cron or interval schedule, with retries and a history of every attempt. ' +
        'Ids: jobs job_…, executions exe_…, spaces sp_…. Use explain_schedule to check a cron expression before create_job, and get_executions to see how deliveries went.' +
        (readOnly ? ' This server is read-only: it can look, not change anything.' : ''),
    },
  );
  for (const tool of tools) if (!readOnly || tool.readOnly) register(server, kairos, tool);
  return server;
}
