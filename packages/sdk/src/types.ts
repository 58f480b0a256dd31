/**
 * Names for the request and response shapes of the /v1 API, all taken from the types that
 * openapi-typescript generates from the server's OpenAPI document (generated/openapi.ts): none is
 * written here a second time.
 */
import type { paths } from './generated/openapi.js';

export type { paths };

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Operation<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];

/** The JSON body an operation answers with, for one status. */
export type ResponseBody<P extends keyof paths, M extends keyof paths[P], S extends number = 200> =
  Operation<P, M> extends { responses: infer R } ? (S extends keyof R ? Json<R[S]> : never) : never;

/** The `data` of an operation's answer. */
export type DataOf<P extends keyof paths, M extends keyof paths[P], S extends number = 200> =
  ResponseBody<P, M, S> extends { data: infer D } ? D : never;

/** The JSON body an operation takes. */
export type RequestBody<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

type Defaulted = 'page' | 'perPage';
/** An operation's query parameters; those with a server-side default (page, perPage) are optional. */
export type QueryOf<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { parameters: { query?: infer Q } }
    ? [NonNullable<Q>] extends [never] ? Record<string, never> : Omit<NonNullable<Q>, Defaulted> & Partial<Pick<NonNullable<Q>, Extract<keyof NonNullable<Q>, Defaulted>>>
    : Record<string, never>;

/** Paging of a list answer: `{ page, perPage, total }`. */
export type PageMeta = ResponseBody<'/v1/jobs', 'get'> extends { meta: infer M } ? M : never;
/** A list query's page and page size (at most 100). */
export type PageQuery = QueryOf<'/v1/jobs/{id}/executions', 'get'>;

export type Job = DataOf<'/v1/jobs/{id}', 'get'>;
export type CreateJob = RequestBody<'/v1/jobs', 'post'>;
export type UpdateJob = RequestBody<'/v1/jobs/{id}', 'patch'>;
export type ReplaceJob = RequestBody<'/v1/jobs/{id}', 'put'>;
export type JobSchedule = CreateJob['schedule'];
export type ListJobsQuery = QueryOf<'/v1/jobs', 'get'>;
export type BulkJobs = RequestBody<'/v1/jobs/bulk', 'post'>;
export type BulkResult = DataOf<'/v1/jobs/bulk', 'post'>;
export type RunResult = DataOf<'/v1/jobs/{id}/run', 'post'>;
export type SparklinesQuery = QueryOf<'/v1/jobs/sparklines', 'get'>;
export type PendingRun = DataOf<'/v1/jobs/{id}/run', 'post', 202>;
export type Sparkline = DataOf<'/v1/jobs/sparklines', 'get'>[number];

export type Execution = DataOf<'/v1/executions/{id}', 'get'>;
export type ListExecutionsQuery = QueryOf<'/v1/executions', 'get'>;
export type Replay = DataOf<'/v1/executions/{id}/replay', 'post', 202>;

export type Space = DataOf<'/v1/spaces/{id}', 'get'>;
export type CreateSpace = RequestBody<'/v1/spaces', 'post'>;
export type UpdateSpace = RequestBody<'/v1/spaces/{id}', 'patch'>;
export type SpacePauseResult = DataOf<'/v1/spaces/{id}/pause', 'post'>;

export type ApiKey = DataOf<'/v1/api-keys', 'get'>[number];
export type CreateApiKey = RequestBody<'/v1/api-keys', 'post'>;
export type NewApiKey = DataOf<'/v1/api-keys', 'post', 201>;

export type SigningSecret = DataOf<'/v1/signing-secrets', 'get'>[number];
export type NewSigningSecret = DataOf<'/v1/signing-secrets', 'post', 201>;

export type AlertChannel = DataOf<'/v1/alerts/channels/{id}', 'get'>;
export type CreateAlertChannel = RequestBody<'/v1/alerts/channels', 'post'>;
export type UpdateAlertChannel = RequestBody<'/v1/alerts/channels/{id}', 'patch'>;
export type AlertChannelTest = DataOf<'/v1/alerts/channels/{id}/test', 'post'>;
export type AlertRule = DataOf<'/v1/alerts/rules/{id}', 'get'>;
export type CreateAlertRule = RequestBody<'/v1/alerts/rules', 'post'>;
export type UpdateAlertRule = RequestBody<'/v1/alerts/rules/{id}', 'patch'>;
export type AlertNotice = DataOf<'/v1/alerts/notices', 'get'>[number];
export type ListNoticesQuery = QueryOf<'/v1/alerts/notices', 'get'>;

export type InboundWebhook = DataOf<'/v1/inbound-webhooks/{id}', 'get'>;
export type CreateInboundWebhook = RequestBody<'/v1/inbound-webhooks', 'post'>;

export type ProjectSettings = DataOf<'/v1/project', 'get'>;
export type UpdateProjectSettings = RequestBody<'/v1/project', 'patch'>;
export type Project = DataOf<'/v1/projects', 'get'>[number];
export type CreateProject = RequestBody<'/v1/projects', 'post'>;
export type Usage = DataOf<'/v1/usage', 'get'>;
export type Plan = DataOf<'/v1/plans', 'get'>[number];
export type AssignedPlan = DataOf<'/v1/projects/{id}/plan', 'put'>;

export type Registration = DataOf<'/v1/auth/register', 'post', 201>;
export type RegisterAccount = RequestBody<'/v1/auth/register', 'post'>;
export type AnonymousRegistration = DataOf<'/v1/auth/register-anonymous', 'post', 201>;
export type Session = DataOf<'/v1/auth/login', 'post'>;
export type Tokens = DataOf<'/v1/auth/refresh', 'post'>;
export type Me = DataOf<'/v1/auth/me', 'get'>;
export type Health = DataOf<'/v1/health', 'get'>;

export type SchedulePreviewRequest = RequestBody<'/v1/schedules/preview', 'post'>;
export type SchedulePreview = DataOf<'/v1/schedules/preview', 'post'>;
export type UpcomingRunsQuery = QueryOf<'/v1/runs/upcoming', 'get'>;
export type UpcomingRuns = ResponseBody<'/v1/runs/upcoming', 'get'>;
export type UpcomingRun = UpcomingRuns['data'][number];
export type ImportRequest = RequestBody<'/v1/imports', 'post'>;
export type ImportResult = DataOf<'/v1/imports', 'post'>;
export type ExportQuery = QueryOf<'/v1/export', 'get'>;
export type StreamToken = DataOf<'/v1/stream/tokens', 'post', 201>;
export type StreamQuery = Omit<NonNullable<paths['/v1/stream']['get']['parameters']['query']>, 'token'>;
