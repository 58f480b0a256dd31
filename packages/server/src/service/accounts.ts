import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import { newId, newSecret } from '../domain/ids.js';
import type { Store } from '../store/connect.js';
import type { ApiKeyRow, ProjectRow, RefreshTokenRow, UserRow } from '../store/schema.js';
import { findApiKeyByHash, getApiKey, getOwnedProject, getProject, insertApiKey, insertProject, listOwnedProjects, ownedProjectIds, touchApiKey } from '../store/sql/accounts.js';
import { findRefreshTokenByHash, insertRefreshToken, isRefreshFamilyLive, markRefreshTokenUsed, revokeRefreshFamily } from '../store/sql/refreshTokens.js';
import { getSetting, insertSettingIfAbsent } from '../store/sql/settings.js';
import { findUserByEmail, getUser, insertUser } from '../store/sql/users.js';
import { inTransaction } from '../store/transaction.js';
import { allScopes, hashKey, isApiKey, type KeyStyle, mintApiKey, parseScopes } from './apiKeys.js';
import type { Caller, Principal } from './caller.js';
import type { Page } from './page.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';
import { refreshTokenTtlMs, type SessionTokens } from './sessions.js';
import { decodeApiKey, decodeProject, decodeUser } from '../store/rows.js';

// The doors import these from here (api/authenticate.ts).
export type { Caller, Principal, Scope } from './caller.js';

export type Registration = 'open' | 'closed';

export interface AccountsServiceDeps {
  store: Store;
  sessions: SessionTokens;
  /** `closed`: only the first account on a fresh install, or an admin, may register. */
  registration: Registration;
}

export interface RegisterInput {
  email: string;
  password: string;
  name: string;
}

/** The settings row naming the operator's admin: whoever inserts it first is the first account. */
const adminSetting = 'admin_user_id';
/** A key's last use is written at most this often, so authentication stays a read. */
export const keyTouchIntervalMs = 60_000;
const refreshPrefix = 'kr_refresh_';
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const missingBearer = () => new AppError('unauthorized', 'Send an API key or an access token as "Authorization: Bearer <token>".');
const badRefresh = () => new AppError('unauthorized', 'The refresh token is not valid, has expired or was already used; sign in again.');
const registrationClosed = () => new AppError('registration_closed', 'Registration is closed on this server; ask its administrator for an account.');

function newRefreshToken(userId: string, familyId: string, now: number): { row: RefreshTokenRow; token: string } {
  const token = refreshPrefix + newSecret(32);
  const row: RefreshTokenRow = {
    id: newId('rtk', now),
    user_id: userId,
    family_id: familyId,
    token_hash: hashToken(token),
    created_at: now,
    expires_at: now + refreshTokenTtlMs,
    used_at: null,
    revoked_at: null,
  };
  return { row, token };
}

export function createAccountsService({ store, sessions, registration }: AccountsServiceDeps) {
  // Keys whose use this process recorded lately: saves even the conditional UPDATE when one key
  // makes thousands of requests a second. Bounded by the number of keys in use.
  const touched = new Map<string, number>();

  async function touch(row: ApiKeyRow, now: number): Promise<void> {
    if (row.last_used_at !== null && now - row.last_used_at < keyTouchIntervalMs) return;
    const last = touched.get(row.id);
    if (last !== undefined && now - last < keyTouchIntervalMs) return;
    if (touched.size >= 10_000) touched.clear();
    touched.set(row.id, now);
    await touchApiKey(store.db, row.id, now, keyTouchIntervalMs);
  }

  async function isAdmin(principal: Principal | undefined): Promise<boolean> {
    if (principal?.kind !== 'user') return false;
    return (await getUser(store.db, principal.userId))?.is_admin === 1;
  }

  /** The tokens to hand out once the refresh token's row is stored: a signed access token beside it. */
  async function tokensFor(userId: string, refresh: { row: RefreshTokenRow; token: string }, now: number) {
    const access = await sessions.sign({ userId, sessionId: refresh.row.family_id }, now);
    return { accessToken: access.token, accessTokenExpiresAt: new Date(access.expiresAt).toISOString(), refreshToken: refresh.token };
  }

  return {
    /**
     * A project with one all-scopes key, for a server or script that needs no user account.
     * `actor` is whoever sent a bearer along: when registration is closed, only an admin may.
     */
    async registerAnonymous(name: string, actor?: Principal, keyStyle?: KeyStyle) {
      if (registration === 'closed' && !(await isAdmin(actor))) throw registrationClosed();
      const now = Date.now();
      const project: ProjectRow = { id: newId('prj', now), name, owner_id: null, created_at: now };
      const { row, key } = mintApiKey(project.id, 'default', allScopes, now, keyStyle);
      await inTransaction(store, async (trx) => {
        await insertProject(trx, project);
        await insertApiKey(trx, row);
      });
      return { apiKey: key, project: decodeProject(project) };
    },

    /**
     * A user with their first project, an all-scopes key for it and a signed-in session. The first
     * account on a fresh install is the operator's admin and may register even when registration is
     * closed; after that a closed server takes new accounts only from an admin.
     */
    async register(input: RegisterInput, actor?: Principal, keyStyle?: KeyStyle) {
      const email = input.email.toLowerCase();
      const actorIsAdmin = await isAdmin(actor);
      // Refuse before the deliberately slow hash when the answer is already known.
      if (registration === 'closed' && !actorIsAdmin && (await getSetting(store.db, adminSetting))) throw registrationClosed();
      const passwordHash = await hashPassword(input.password);
      const now = Date.now();
      const user: UserRow = { id: newId('usr', now), email, name: input.name, password_hash: passwordHash, is_admin: 0, created_at: now, updated_at: now };
      const project: ProjectRow = { id: newId('prj', now), name: 'default', owner_id: user.id, created_at: now };
      const key = mintApiKey(project.id, 'default', allScopes, now, keyStyle);
      const refresh = newRefreshToken(user.id, newId('ses', now), now);
      await inTransaction(store, async (trx) => {
        const first = await insertSettingIfAbsent(trx, { key: adminSetting, value: user.id, created_at: now });
        if (!first && registration === 'closed' && !actorIsAdmin) throw registrationClosed();
        user.is_admin = first ? 1 : 0;
        if (!(await insertUser(trx, user))) throw new AppError('conflict', 'An account with this email already exists.', [{ field: 'email', issue: 'is already registered' }]);
        await insertProject(trx, project);
        await insertApiKey(trx, key.row);
        await insertRefreshToken(trx, refresh.row);
      });
      return { user: decodeUser(user), project: decodeProject(project), ...(await tokensFor(user.id, refresh, now)), apiKey: key.key };
    },

    /** A new session for a known email and the right password; one answer for every failure. */
    async login(input: { email: string; password: string }) {
      const user = await findUserByEmail(store.db, input.email.toLowerCase());
      const matches = await verifyPassword(input.password, user?.password_hash ?? (await decoyHash()));
      if (!user || !matches) throw new AppError('unauthorized', 'The email or password is not correct.');
      const now = Date.now();
      const refresh = newRefreshToken(user.id, newId('ses', now), now);
      await insertRefreshToken(store.db, refresh.row);
      return { user: decodeUser(user), ...(await tokensFor(user.id, refresh, now)) };
    },

    /**
     * Exchanges a refresh token for new access and refresh tokens. Each refresh token works once:
     * presenting one that was already exchanged means it leaked (or a client raced itself), so the
     * whole sign-in is revoked: every refresh token of the family and the access tokens it issued.
     */
    async refresh(token: string) {
      const now = Date.now();
      const outcome = await inTransaction(store, async (trx) => {
        const row = await findRefreshTokenByHash(trx, hashToken(token));
        if (!row || row.expires_at <= now) return undefined;
        // A token already exchanged, or one a concurrent request exchanged first, is a reuse.
        if (row.used_at !== null || row.revoked_at !== null || !(await markRefreshTokenUsed(trx, row.id, now))) {
          await revokeRefreshFamily(trx, row.family_id, now);
          return undefined;
        }
        const next = newRefreshToken(row.user_id, row.family_id, now);
        await insertRefreshToken(trx, next.row);
        return { userId: row.user_id, next };
      });
      if (!outcome) throw badRefresh();
      return tokensFor(outcome.userId, outcome.next, now);
    },

    /** What the bearer proves; 401 when it is missing, unknown, revoked or expired. */
    async authenticate(bearer: string | undefined): Promise<Principal> {
      if (!bearer) throw missingBearer();
      if (isApiKey(bearer)) {
        const row = await findApiKeyByHash(store.db, hashKey(bearer));
        if (!row) throw new AppError('unauthorized', 'The API key is not valid or has been revoked.');
        await touch(row, Date.now());
        return { kind: 'key', keyId: row.id, projectId: row.project_id, scopes: parseScopes(row.scopes) };
      }
      const claims = await sessions.verify(bearer);
      if (!claims) throw new AppError('unauthorized', 'The bearer token is neither a valid API key nor a valid access token (access tokens last 15 minutes; refresh them).');
      if (!(await isRefreshFamilyLive(store.db, claims.sessionId))) throw new AppError('unauthorized', 'This session has been revoked; sign in again.');
      return { kind: 'user', userId: claims.userId, sessionId: claims.sessionId };
    },

    /**
     * The project a request acts on. A key acts on its own project. A user names one they own in
     * the `Kairos-Project` header, or may leave it out while they own exactly one.
     */
    async callerFor(principal: Principal, projectHeader: string | undefined): Promise<Caller> {
      if (principal.kind === 'key') {
        if (projectHeader !== undefined && projectHeader !== principal.projectId) throw projectNotFound(projectHeader);
        return { projectId: principal.projectId, scopes: principal.scopes, keyId: principal.keyId };
      }
      const all = new Set(allScopes);
      if (projectHeader !== undefined) {
        const project = await getOwnedProject(store.db, principal.userId, projectHeader);
        if (!project) throw projectNotFound(projectHeader);
        return { projectId: project.id, scopes: all, userId: principal.userId };
      }
      const ids = await ownedProjectIds(store.db, principal.userId, 2);
      if (ids.length === 1) return { projectId: ids[0]!, scopes: all, userId: principal.userId };
      throw new AppError(
        'bad_request',
        ids.length === 0 ? 'You own no project yet: create one with POST /v1/projects.' : 'You own several projects: name the one to act on in the "Kairos-Project" header.',
        [{ field: 'Kairos-Project', issue: 'is required: a project id of yours' }],
      );
    },

    /** The signed-in user and their projects, or the key's project, scopes and the key itself. */
    async me(principal: Principal) {
      if (principal.kind === 'user') {
        const user = await getUser(store.db, principal.userId);
        if (!user) throw new AppError('unauthorized', 'This account no longer exists.');
        const { rows } = await listOwnedProjects(store.db, user.id, 0, 1_000);
        return { user: decodeUser(user), projects: rows.map(decodeProject) };
      }
      const [project, key] = await Promise.all([getProject(store.db, principal.projectId), getApiKey(store.db, principal.projectId, principal.keyId)]);
      if (!project || !key) throw new AppError('unauthorized', 'The API key is not valid or has been revoked.');
      return { project: decodeProject(project), scopes: [...principal.scopes], apiKey: decodeApiKey(key) };
    },

    /**
     * Who a caller is, as a dialect's profile shows it: the project, its owner (none for a project
     * registered without an account) and the API key the request came with (none for a session).
     */
    async profile(caller: Caller) {
      const project = await getProject(store.db, caller.projectId);
      if (!project) throw new AppError('unauthorized', 'The API key is not valid or has been revoked.');
      const [owner, key] = await Promise.all([
        project.owner_id === null ? undefined : getUser(store.db, project.owner_id),
        caller.keyId === undefined ? undefined : getApiKey(store.db, caller.projectId, caller.keyId),
      ]);
      return {
        project: decodeProject(project),
        user: owner ? decodeUser(owner) : null,
        apiKey: key ? decodeApiKey(key) : null,
      };
    },

    /** Every project the caller may act on: all of a user's, or the one of a key. */
    async listProjects(principal: Principal, { page, perPage }: Page) {
      if (principal.kind === 'user') {
        const { rows, total } = await listOwnedProjects(store.db, principal.userId, (page - 1) * perPage, perPage);
        return { items: rows.map(decodeProject), total };
      }
      const project = await getProject(store.db, principal.projectId);
      return { items: project && page === 1 ? [decodeProject(project)] : [], total: project ? 1 : 0 };
    },

    /** 403 unless the principal is the operator's admin (signed in; an admin's API key does not count). */
    async requireAdmin(principal: Principal): Promise<void> {
      if (!(await isAdmin(principal))) throw new AppError('forbidden', 'Only the operator\'s admin (signed in with an access token) may do this.');
    },

    /** Another project for a signed-in user; an API key belongs to its one project and cannot. */
    async createProject(principal: Principal, name: string) {
      if (principal.kind !== 'user') {
        throw new AppError('forbidden', 'An API key belongs to one project and cannot create others; sign in (POST /v1/auth/login) and use the access token.');
      }
      const now = Date.now();
      const project: ProjectRow = { id: newId('prj', now), name, owner_id: principal.userId, created_at: now };
      await insertProject(store.db, project);
      return decodeProject(project);
    },
  };
}

function projectNotFound(id: string): AppError {
  return new AppError('not_found', `Project ${id} was not found.`, [{ field: 'Kairos-Project', issue: 'is not a project of yours' }]);
}

export type AccountsService = ReturnType<typeof createAccountsService>;
