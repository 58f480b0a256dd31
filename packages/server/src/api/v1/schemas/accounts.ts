import { type Static, Type } from 'typebox';
import { nullable, StringEnum, Timestamp } from './common.js';

export const RegisterAnonymousBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
export type RegisterAnonymousBody = Static<typeof RegisterAnonymousBody>;

export const RegisterBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 8, maxLength: 128 }),
    name: Type.String({ minLength: 1, maxLength: 255 }),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export type RefreshBody = Static<typeof RefreshBody>;

export const CreateProjectBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
export type CreateProjectBody = Static<typeof CreateProjectBody>;

export const Scope = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')]);

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    scopes: Type.Array(Scope, { minItems: 1, maxItems: 3, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;

// Response shapes, one per view in api/v1/views.ts; every field listed, or serialization drops it.

const ScopeName = StringEnum(['read', 'write', 'admin']);

export const Project = Type.Object({ id: Type.String({ description: 'prj_…' }), name: Type.String(), createdAt: Timestamp });

export const User = Type.Object({
  id: Type.String({ description: 'usr_…' }),
  email: Type.String(),
  name: Type.String(),
  isAdmin: Type.Boolean({ description: "The operator's admin: the first account on a fresh install" }),
  createdAt: Timestamp,
});

/** A key as listed: never the key itself. */
export const ApiKey = Type.Object({
  id: Type.String({ description: 'key_…' }),
  name: Type.String(),
  prefix: Type.String(),
  lastFour: Type.String(),
  scopes: Type.Array(ScopeName),
  lastUsedAt: nullable(Timestamp),
  createdAt: Timestamp,
});

/** A key just made: the one response that carries the key. */
export const NewApiKey = Type.Object({
  id: Type.String({ description: 'key_…' }),
  name: Type.String(),
  scopes: Type.Array(ScopeName),
  key: Type.String({ description: 'kr_live_…, shown this once' }),
  prefix: Type.String(),
  lastFour: Type.String(),
  createdAt: Timestamp,
});

const sessionTokens = {
  accessToken: Type.String({ description: 'A JWT for "Authorization: Bearer", valid 15 minutes' }),
  accessTokenExpiresAt: Timestamp,
  refreshToken: Type.String({ description: 'kr_refresh_…, usable once, valid 30 days' }),
};

export const Tokens = Type.Object(sessionTokens);

export const AnonymousRegistration = Type.Object({ apiKey: Type.String({ description: 'kr_live_…, shown this once' }), project: Project });

export const Registration = Type.Object({
  user: User,
  project: Project,
  ...sessionTokens,
  apiKey: Type.String({ description: 'kr_live_…, an all-scopes key of the new project, shown this once' }),
});

export const Session = Type.Object({ user: User, ...sessionTokens });

/** `GET /v1/auth/me`: the signed-in user and their projects, or the key's project, scopes and key. */
export const Me = Type.Union([
  Type.Object({ user: User, projects: Type.Array(Project) }),
  Type.Object({ project: Project, scopes: Type.Array(ScopeName), apiKey: ApiKey }),
]);
