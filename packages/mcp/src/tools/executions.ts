import type { Execution } from '@kairos/sdk';
import { z } from 'zod';
import * as schemas from '../generated/schemas.js';
import { defineTool, firstItems, fromOpenApi, limitInput, listOutput, maxBodyChars } from '../tool.js';

const execution = fromOpenApi(schemas.execution);
const executionId = z.string().min(1).describe('The execution id (exe_…), as get_executions returned it');

export const getExecutions = defineTool({
  name: 'get_executions',
  title: 'List delivery attempts',
  description:
    "Lists delivery attempts (executions), newest first: each with its status (success, failed, timeout, dead_letter …), HTTP status, duration and error. Filter by job and status. A dead_letter attempt exhausted its retries; replay_execution runs it again.",
  readOnly: true,
  input: {
    jobId: z.string().optional().describe("Only this job's attempts (job_…)"),
    status: z.enum(['success', 'failed', 'timeout', 'dead_letter', 'quota_exceeded']).optional().describe('Only attempts with this outcome'),
    since: z.string().optional().describe('Only attempts from this ISO-8601 instant on'),
    limit: limitInput,
  },
  output: { executions: z.array(execution), ...listOutput },
  async run(kairos, { jobId, status, since, limit }) {
    const query = { perPage: Math.min(limit, 100), ...(jobId ? { jobId } : {}), ...(status ? { status } : {}), ...(since ? { from: since } : {}) };
    const { items, note, ...rest } = await firstItems(kairos.executions.list(query), limit, 'attempts');
    return { result: { executions: items as Execution[], ...rest }, ...(note ? { note } : {}) };
  },
});

export const getExecution = defineTool({
  name: 'get_execution',
  title: 'Get a delivery attempt',
  description: `Reads one attempt with the response the target gave (headers and body; a body longer than ${maxBodyChars} characters is cut, with a note).`,
  readOnly: true,
  input: { executionId },
  output: { execution },
  async run(kairos, { executionId }) {
    const e = await kairos.executions.get(executionId);
    const body = e.responseBody;
    if (typeof body === 'string' && body.length > maxBodyChars) {
      return {
        result: { execution: { ...e, responseBody: body.slice(0, maxBodyChars) } },
        note: `responseBody cut to its first ${maxBodyChars} of ${body.length} characters.`,
      };
    }
    return { result: { execution: e } };
  },
});

export const replayExecution = defineTool({
  name: 'replay_execution',
  title: 'Replay a delivery attempt',
  description: "Runs an attempt's job again now (for example a failed or dead_letter one), linked to the original; the new attempt shows up in get_executions.",
  readOnly: false,
  input: { executionId },
  output: { replay: fromOpenApi(schemas.replay) },
  async run(kairos, { executionId }) {
    return { result: { replay: await kairos.executions.replay(executionId) } };
  },
});
