/** JustRun's request shapes, with the document's ranges; what needs more than a shape is the service's check. */
import { Type } from 'typebox';
import { maxPage, StringEnum } from '../../v1/schemas/common.js';
import { channelTypes, justRunMethods, retryPolicies } from './translate.js';

const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 10 });
const Id = Type.String({ minLength: 1, maxLength: 64 });

const JobFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  cron_expression: Type.String({ minLength: 1, maxLength: 200 }),
  url: Type.String({ minLength: 1, maxLength: 2_048 }),
  method: Type.Optional(StringEnum(justRunMethods)),
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  timeout_sec: Type.Optional(Type.Integer({ minimum: 1, maximum: 300 })),
  retry_policy: Type.Optional(StringEnum(retryPolicies)),
  retry_max: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  retry_delay_sec: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  tags: Type.Optional(Tags),
  space_id: Type.Optional(Type.Union([Id, Type.Null()])),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  body: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  store_response_body: Type.Optional(Type.Boolean()),
};

export const CreateJobBody = Type.Object(JobFields, { additionalProperties: false });
export const PatchJobBody = Type.Object(
  { ...JobFields, name: Type.Optional(JobFields.name), cron_expression: Type.Optional(JobFields.cron_expression), url: Type.Optional(JobFields.url) },
  { additionalProperties: false },
);

const Page = { page: Type.Integer({ minimum: 1, maximum: maxPage, default: 1 }), per_page: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) };
export const PageQuery = Type.Object(Page, { additionalProperties: false });
export const JobListQuery = Type.Object(
  { ...Page, status: Type.Optional(StringEnum(['active', 'paused', 'all'] as const)), space_id: Type.Optional(Id) },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Id });
export const JobIdParams = Type.Object({ job_id: Id });

export const BulkBody = Type.Object(
  {
    job_ids: Type.Array(Id, { minItems: 1, maxItems: 100 }),
    action: StringEnum(['pause', 'resume', 'delete', 'move_to_space', 'add_tags', 'remove_tags'] as const),
    space_id: Type.Optional(Id),
    tags: Type.Optional(Tags),
  },
  { additionalProperties: false },
);

export const CreateSpaceBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 50 }), timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
  { additionalProperties: false },
);
export const PatchSpaceBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })), timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
  { additionalProperties: false },
);

export const CreateChannelBody = Type.Object(
  { type: StringEnum(channelTypes), name: Type.String({ minLength: 1, maxLength: 100 }), config: Type.Object({}, { additionalProperties: true }) },
  { additionalProperties: false },
);

export const CreateKeyBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

export const CheckoutBody = Type.Object({ price_id: Type.String({ minLength: 1, maxLength: 255 }) }, { additionalProperties: false });

// /v1/migrate/*: a key for the service JustRun fetches from, or job objects, and a space for them all.
// space_id null is no space, as on a job.
const MigrateSpace = Type.Optional(Type.Union([Id, Type.Null()]));
export const MigrateKeyBody = Type.Object({ api_key: Type.String({ minLength: 1, maxLength: 1_024 }), space_id: MigrateSpace }, { additionalProperties: false });
// Each job is checked as the import checks it, so one bad job is an entry of the answer, not a refused request.
export const MigrateJsonBody = Type.Object({ jobs: Type.Array(Type.Unknown()), space_id: MigrateSpace }, { additionalProperties: false });
