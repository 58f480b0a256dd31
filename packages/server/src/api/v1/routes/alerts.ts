import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AlertsService } from '../../../service/alerts.js';
import { callerOf } from '../../authenticate.js';
import { AlertChannel, AlertNotice, AlertRule, NoticeQuery, CreateAlertChannelBody, CreateAlertRuleBody, PatchAlertChannelBody, PatchAlertRuleBody, TestSendResult } from '../schemas/alerts.js';
import { alertChannelView, alertNoticeView, alertRuleView } from '../views.js';
import { clientErrors, Data, IdParams, NoContent, Paged, Pagination } from '../schemas/common.js';

const tags = ['alerts'];

/** Alert channels and rules: reading takes the read scope, everything else write. */
export const alertRoutes: FastifyPluginAsyncTypebox<{ alerts: AlertsService }> = async (app, { alerts }) => {
  app.get(
    '/alerts/notices',
    { schema: { tags, summary: 'Notices sent or being sent to alert channels, newest first, with how each went', querystring: NoticeQuery, response: { 200: Paged(AlertNotice), ...clientErrors } } },
    async (request) => {
      const { page, perPage, status, jobId } = request.query;
      const { items, total } = await alerts.listNotices(callerOf(request).projectId, { status, jobId }, { page, perPage });
      return { data: items.map(alertNoticeView), meta: { page, perPage, total } };
    },
  );

  app.get(
    '/alerts/channels',
    { schema: { tags, summary: "List the project's alert channels, newest first (secrets masked)", querystring: Pagination, response: { 200: Paged(AlertChannel), ...clientErrors } } },
    async (request) => {
      const { page, perPage } = request.query;
      const { items, total } = await alerts.listChannels(callerOf(request).projectId, { page, perPage });
      return { data: items.map(alertChannelView), meta: { page, perPage, total } };
    },
  );

  app.post(
    '/alerts/channels',
    { schema: { tags, summary: 'Create an alert channel: slack, discord, email, webhook or telegram', body: CreateAlertChannelBody, response: { 201: Data(AlertChannel), ...clientErrors } } },
    async (request, reply) => reply.status(201).send({ data: alertChannelView(await alerts.createChannel(callerOf(request).projectId, request.body)) }),
  );

  app.get(
    '/alerts/channels/:id',
    { schema: { tags, summary: 'Read an alert channel (secrets masked)', params: IdParams, response: { 200: Data(AlertChannel), ...clientErrors } } },
    async (request) => ({ data: alertChannelView(await alerts.getChannel(callerOf(request).projectId, request.params.id)) }),
  );

  app.patch(
    '/alerts/channels/:id',
    { schema: { tags, summary: 'Rename an alert channel or replace its config (secrets in full)', params: IdParams, body: PatchAlertChannelBody, response: { 200: Data(AlertChannel), ...clientErrors } } },
    async (request) => ({ data: alertChannelView(await alerts.updateChannel(callerOf(request).projectId, request.params.id, request.body)) }),
  );

  app.delete(
    '/alerts/channels/:id',
    { schema: { tags, summary: 'Delete an alert channel that no rule sends to (409 names the rules that do)', params: IdParams, response: { 204: NoContent, ...clientErrors } } },
    async (request, reply) => {
      await alerts.removeChannel(callerOf(request).projectId, request.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/alerts/channels/:id/test',
    { schema: { tags, summary: 'Send a test notice through the channel now and report what the far end answered', params: IdParams, response: { 200: Data(TestSendResult), ...clientErrors } } },
    async (request) => ({ data: await alerts.testChannel(callerOf(request).projectId, request.params.id) }),
  );

  app.get(
    '/alerts/rules',
    { schema: { tags, summary: "List the project's alert rules, newest first", querystring: Pagination, response: { 200: Paged(AlertRule), ...clientErrors } } },
    async (request) => {
      const { page, perPage } = request.query;
      const { items, total } = await alerts.listRules(callerOf(request).projectId, { page, perPage });
      return { data: items.map(alertRuleView), meta: { page, perPage, total } };
    },
  );

  app.post(
    '/alerts/rules',
    { schema: { tags, summary: "Create an alert rule (counts against the plan's maxAlertConfigs)", body: CreateAlertRuleBody, response: { 201: Data(AlertRule), ...clientErrors } } },
    async (request, reply) => reply.status(201).send({ data: alertRuleView(await alerts.createRule(callerOf(request).projectId, request.body)) }),
  );

  app.get(
    '/alerts/rules/:id',
    { schema: { tags, summary: 'Read an alert rule', params: IdParams, response: { 200: Data(AlertRule), ...clientErrors } } },
    async (request) => ({ data: alertRuleView(await alerts.getRule(callerOf(request).projectId, request.params.id)) }),
  );

  app.patch(
    '/alerts/rules/:id',
    { schema: { tags, summary: 'Change an alert rule; naming one of jobId, spaceId, tag replaces its scope', params: IdParams, body: PatchAlertRuleBody, response: { 200: Data(AlertRule), ...clientErrors } } },
    async (request) => ({ data: alertRuleView(await alerts.updateRule(callerOf(request).projectId, request.params.id, request.body)) }),
  );

  app.delete(
    '/alerts/rules/:id',
    { schema: { tags, summary: 'Delete an alert rule', params: IdParams, response: { 204: NoContent, ...clientErrors } } },
    async (request, reply) => {
      await alerts.removeRule(callerOf(request).projectId, request.params.id);
      return reply.status(204).send();
    },
  );
};
