import { type Kairos, KairosError, type Page } from '@kairos/sdk';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** Items a list tool returns at most, whatever the model asks: more only fills its context. */
export const maxListItems = 100;
/** A response body longer than this is cut, with a note saying so. */
export const maxBodyChars = 4_000;

/** A zod schema from a JSON Schema of openapi.json (src/generated/schemas.ts). */
export function fromOpenApi(schema: object): z.ZodType {
  return z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
}

/**
 * One MCP tool: its schemas, its hints, and what it does with the SDK. `run` returns the
 * structured result (which must match `output`), and may add a note for the model.
 */
export interface Tool<In extends z.ZodRawShape, Out extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: In;
  output: Out;
  /** Reads only: offered in --read-only mode. */
  readOnly: boolean;
  destructive?: boolean;
  idempotent?: boolean;
  run(kairos: Kairos, args: z.infer<z.ZodObject<In>>): Promise<{ result: z.infer<z.ZodObject<Out>>; note?: string }>;
}

export function defineTool<In extends z.ZodRawShape, Out extends z.ZodRawShape>(tool: Tool<In, Out>): Tool<In, Out> {
  return tool;
}

/** Registers the tool on the server; an API error becomes a tool error the model can act on. */
export function register(server: McpServer, kairos: Kairos, tool: Tool<z.ZodRawShape, z.ZodRawShape>): void {
  const annotations: ToolAnnotations = {
    title: tool.title,
    readOnlyHint: tool.readOnly,
    destructiveHint: tool.readOnly ? false : (tool.destructive ?? false),
    idempotentHint: tool.readOnly || (tool.idempotent ?? false),
    openWorldHint: false,
  };
  server.registerTool(
    tool.name,
    { title: tool.title, description: tool.description, inputSchema: tool.input, outputSchema: tool.output, annotations },
    async (args: Record<string, unknown>): Promise<CallToolResult> => {
      try {
        const { result, note } = await tool.run(kairos, args as never);
        const text = JSON.stringify(result, null, 2) + (note ? `\n\nNote: ${note}` : '');
        return { content: [{ type: 'text', text }], structuredContent: result as Record<string, unknown> };
      } catch (err) {
        return { isError: true, content: [{ type: 'text', text: errorText(err) }] };
      }
    },
  );
}

/** What went wrong, and what the model could do about it. */
export function errorText(err: unknown): string {
  if (err instanceof KairosError) {
    const fields = err.details.map((d) => `\n- ${d.field}: ${d.issue}`).join('');
    const head = err.status === 0 ? err.message : `Kairos answered ${err.status} ${err.code}: ${err.message}`;
    return `${head}${fields}${hintFor(err) ? `\n${hintFor(err)}` : ''}`;
  }
  if (err instanceof TypeError) return `Invalid arguments: ${err.message}`;
  return `Failed: ${err instanceof Error ? err.message : String(err)}`;
}

function hintFor(err: KairosError): string | undefined {
  if (err.status === 0) return 'The Kairos server could not be reached: check that it runs and that KAIROS_URL points at it.';
  if (err.status === 401) return 'The API key was refused: the user should check KAIROS_API_KEY in the MCP server configuration.';
  if (err.status === 403) return 'The API key lacks the scope for this; a key with write (or admin) scope is needed.';
  if (err.status === 404) return 'Check the id: list_jobs, get_executions or list_spaces show the ids that exist.';
  if (err.status === 409) return 'This conflicts with the current state (a duplicate or a finished job): read it again before retrying.';
  if (err.status === 400 || err.status === 422) return 'Fix the fields named above and call the tool again.';
  if (err.status === 429) return 'Rate limited: wait before calling again.';
  return undefined;
}

/** A list's items up to `limit`, with the total and a note when more exist. */
export async function firstItems<T>(list: PromiseLike<Page<T>>, limit: number, what: string): Promise<{ items: T[]; total: number; truncated: boolean; note?: string }> {
  const page = await list;
  const { meta } = page;
  const items: T[] = [];
  for await (const item of page) {
    items.push(item);
    if (items.length >= limit) break;
  }
  const truncated = meta.total > items.length;
  return truncated
    ? { items, total: meta.total, truncated, note: `Showing ${items.length} of ${meta.total} ${what}. Narrow the filters or raise limit (at most ${maxListItems}) to see others.` }
    : { items, total: meta.total, truncated };
}

export const limitInput = z
  .number()
  .int()
  .min(1)
  .max(maxListItems)
  .default(20)
  .describe(`How many to return at most (1-${maxListItems}, default 20); the result says how many exist in all`);

export const listOutput = { total: z.number().int().describe('How many exist in all'), truncated: z.boolean().describe('More exist than were returned') };
