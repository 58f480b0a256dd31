import { paginate, type PagePromise } from '../core/pagination.js';
import type { RequestOptions } from '../core/transport.js';
import type { AssignedPlan, CreateProject, PageQuery, Plan, Project, ProjectSettings, UpdateProjectSettings, Usage } from '../types.js';
import { Resource, seg } from './resource.js';

/**
 * Projects of the signed-in user (an API key sees only its own project and cannot create any).
 *
 * @example
 * ```ts
 * const project = await kairos.projects.create({ name: 'staging' });
 * ```
 */
export class Projects extends Resource {
  /**
   * Lists the caller's projects.
   * @example
   * ```ts
   * for await (const p of kairos.projects.list()) console.log(p.id, p.name);
   * ```
   */
  list(query: PageQuery = {}, options?: RequestOptions): PagePromise<Project> {
    return paginate((page) => this.transport.json({ method: 'GET', path: '/v1/projects', query: { ...query, page }, retry: 'safe', options }), query.page ?? 1);
  }

  /**
   * Creates a project for the signed-in user.
   * @example
   * ```ts
   * const { id } = await kairos.projects.create({ name: 'side project' });
   * ```
   */
  async create(project: CreateProject, options?: RequestOptions): Promise<Project> {
    const { data } = await this.transport.json<{ data: Project }>({ method: 'POST', path: '/v1/projects', body: project, retry: 'rate-limit', options });
    return data;
  }

  /**
   * Assigns a plan to a project (`null`: back to the default); the operator's admin only.
   * @example
   * ```ts
   * await kairos.projects.setPlan('prj_…', 'free');
   * ```
   */
  async setPlan(id: string, plan: string | null, options?: RequestOptions): Promise<AssignedPlan> {
    const { data } = await this.transport.json<{ data: AssignedPlan }>({ method: 'PUT', path: `/v1/projects/${seg(id)}/plan`, body: { plan }, retry: 'safe', options });
    return data;
  }
}

/**
 * The current project's settings: its name, badges, and where its job events go.
 *
 * @example
 * ```ts
 * await kairos.settings.update({ eventsUrl: 'https://example.com/kairos-events' });
 * ```
 */
export class Settings extends Resource {
  /**
   * Reads the settings.
   * @example
   * ```ts
   * const { name, plan, badgesEnabled } = await kairos.settings.get();
   * ```
   */
  async get(options?: RequestOptions): Promise<ProjectSettings> {
    const { data } = await this.transport.json<{ data: ProjectSettings }>({ method: 'GET', path: '/v1/project', retry: 'safe', options });
    return data;
  }

  /**
   * Changes some settings.
   * @example
   * ```ts
   * await kairos.settings.update({ name: 'production', badgesEnabled: false });
   * ```
   */
  async update(changes: UpdateProjectSettings, options?: RequestOptions): Promise<ProjectSettings> {
    const { data } = await this.transport.json<{ data: ProjectSettings }>({ method: 'PATCH', path: '/v1/project', body: changes, retry: 'safe', options });
    return data;
  }
}

/**
 * The project's plan, its limits, and what it used of them.
 *
 * @example
 * ```ts
 * const { plan, usage } = await kairos.usage.get();
 * console.log(plan, usage.dailyRuns.used, usage.dailyRuns.limit);
 * ```
 */
export class UsageResource extends Resource {
  /**
   * The plan, limits and usage of the current project.
   * @example
   * ```ts
   * const { usage } = await kairos.usage.get();
   * ```
   */
  async get(options?: RequestOptions): Promise<Usage> {
    const { data } = await this.transport.json<{ data: Usage }>({ method: 'GET', path: '/v1/usage', retry: 'safe', options });
    return data;
  }

  /**
   * The plans this install offers.
   * @example
   * ```ts
   * const names = (await kairos.usage.plans()).map((p) => p.name);
   * ```
   */
  async plans(options?: RequestOptions): Promise<Plan[]> {
    const { data } = await this.transport.json<{ data: Plan[] }>({ method: 'GET', path: '/v1/plans', retry: 'safe', options });
    return data;
  }
}
