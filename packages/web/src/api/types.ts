import type { paths } from './schema';

/**
 * The shapes the dashboard reads, named once and taken from the server's OpenAPI document
 * (schema.d.ts is generated from packages/server/openapi.json at build time).
 */
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: { content: { 'application/json': infer B } } }
    ? B
    : R extends { 201: { content: { 'application/json': infer B } } }
      ? B
      : R extends { 202: { content: { 'application/json': infer B } } }
        ? B
        : never
  : never;
type Data<P extends keyof paths, M extends keyof paths[P]> = Ok<P, M> extends { data: infer D } ? D : never;
type Item<P extends keyof paths, M extends keyof paths[P]> = Data<P, M> extends Array<infer I> ? I : never;
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type Job = Data<'/v1/jobs/{id}', 'get'>;
export type JobInput = Body<'/v1/jobs', 'post'>;
export type JobStatus = Job['status'];
export type Execution = Data<'/v1/executions/{id}', 'get'>;
export type Sparkline = Item<'/v1/jobs/sparklines', 'get'>;
export type Preview = Data<'/v1/schedules/preview', 'post'>;
export type UpcomingRun = Item<'/v1/runs/upcoming', 'get'>;
export type ApiKey = Item<'/v1/api-keys', 'get'>;
export type NewApiKey = Data<'/v1/api-keys', 'post'>;
export type Channel = Item<'/v1/alerts/channels', 'get'>;
export type ChannelTest = Data<'/v1/alerts/channels/{id}/test', 'post'>;
export type Rule = Item<'/v1/alerts/rules', 'get'>;
export type Project = Item<'/v1/projects', 'get'>;
export type Me = Data<'/v1/auth/me', 'get'>;
export type Space = Item<'/v1/spaces', 'get'>;
export type Usage = Data<'/v1/usage', 'get'>;

/** The body of every error the API answers: `{ error: { code, message, details } }`. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: Array<{ field: string; issue: string }> };
}
