import { type Static, Type } from 'typebox';
import { nullable, Timestamp } from './common.js';

export const PatchProjectBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    badgesEnabled: Type.Optional(Type.Boolean({ description: 'Whether /badges/<jobId>/… show the job; off, they show "unknown"' })),
    eventsUrl: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 2048 }), Type.Null()], { description: 'Where job events are sent (public addresses only); null for nowhere' }),
    ),
  },
  { additionalProperties: false },
);
export type PatchProjectBody = Static<typeof PatchProjectBody>;

// Response shape of projectSettingsView in api/v1/views.ts; every field listed, or serialization drops it.
export const ProjectSettings = Type.Object({
  id: Type.String({ description: 'prj_…' }),
  name: Type.String(),
  plan: Type.String({ description: "The plan's name" }),
  badgesEnabled: Type.Boolean(),
  eventsUrl: nullable(Type.String()),
  createdAt: Timestamp,
});
