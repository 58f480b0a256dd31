import { Type, type Static } from 'typebox';
import { Timestamp } from './common.js';
import { spaceNameLength } from '../../../service/spaces.js';

export const CreateSpaceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: spaceNameLength }),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone that new recurring jobs in the space inherit' })),
  },
  { additionalProperties: false },
);
export type CreateSpaceBody = Static<typeof CreateSpaceBody>;

export const PatchSpaceBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: spaceNameLength })),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchSpaceBody = Static<typeof PatchSpaceBody>;

export const Space = Type.Object({
  id: Type.String({ description: 'sp_…' }),
  name: Type.String(),
  timezone: Type.String({ description: 'IANA time zone that new recurring jobs in the space inherit' }),
  jobCount: Type.Integer(),
  activeJobCount: Type.Integer(),
  pausedJobCount: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const SpacePauseResult = Type.Object({ space: Space, jobsAffected: Type.Integer({ description: 'Jobs paused or resumed' }) });
