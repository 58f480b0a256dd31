import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api, unwrap } from '../../api/client';
import type { ChannelTest } from '../../api/types';
import { absolute } from '../../app/format';
import { AlertRules } from './AlertRules';
import { ErrorNote, Field, PageTitle } from '../../app/ui';

type Kind = 'webhook' | 'slack' | 'discord' | 'email' | 'telegram';

function configOf(kind: Kind, target: string, chatId: string): Record<string, unknown> {
  switch (kind) {
    case 'webhook':
      return { url: target };
    case 'slack':
    case 'discord':
      return { webhookUrl: target };
    case 'email':
      return { addresses: target.split(/[,\s]+/).filter(Boolean) };
    case 'telegram':
      return { botToken: target, chatId };
  }
}

const targetLabel: Record<Kind, string> = { webhook: 'URL', slack: 'Webhook URL', discord: 'Webhook URL', email: 'Addresses', telegram: 'Bot token' };

/** Alert channels (create, send a test, delete), the rules that use them, and recent notices. */
export function AlertsPage() {
  const queryClient = useQueryClient();
  const channels = useQuery({ queryKey: ['channels'], queryFn: () => unwrap(api.GET('/v1/alerts/channels', { params: { query: { page: 1, perPage: 100 } } })) });
  // Notices are not on the live stream: a slow poll keeps the list current while the page is open.
  const notices = useQuery({ queryKey: ['notices'], refetchInterval: 10_000, queryFn: () => unwrap(api.GET('/v1/alerts/notices', { params: { query: { page: 1, perPage: 20 } } })) });
  const [kind, setKind] = useState<Kind>('webhook');
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [chatId, setChatId] = useState('');
  const [tests, setTests] = useState<Record<string, ChannelTest>>({});

  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/alerts/channels', { body: { type: kind, name, config: configOf(kind, target, chatId) } })),
    onSuccess: () => {
      setName('');
      setTarget('');
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
    },
  });
  const test = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/v1/alerts/channels/{id}/test', { params: { path: { id } } })),
    onSuccess: ({ data }, id) => setTests((t) => ({ ...t, [id]: data })),
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/v1/alerts/channels/{id}', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['channels'] }),
  });
  const addRule = useMutation({
    mutationFn: (channelId: string) => unwrap(api.POST('/v1/alerts/rules', { body: { name: 'Any job fails', channelIds: [channelId] } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['rules'] }),
  });
  const err = create.error instanceof ApiError ? create.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const channelName = new Map(channels.data?.data.map((c) => [c.id, c.name]));

  return (
    <>
      <PageTitle>Alerts</PageTitle>
      <form onSubmit={submit} className="card inline-form" aria-label="New alert channel">
        <Field label="Type">
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {(['webhook', 'slack', 'discord', 'email', 'telegram'] as const).map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </Field>
        <Field label="Name" error={err?.issue('name')}>
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </Field>
        <Field label={targetLabel[kind]} error={err?.issue('config')}>
          <input value={target} onChange={(e) => setTarget(e.target.value)} required />
        </Field>
        {kind === 'telegram' && (
          <Field label="Chat id" error={err?.issue('config.chatId')}>
            <input value={chatId} onChange={(e) => setChatId(e.target.value)} required />
          </Field>
        )}
        <button type="submit" disabled={create.isPending}>
          Add channel
        </button>
      </form>
      <ErrorNote error={channels.error ?? test.error ?? remove.error ?? addRule.error ?? (err && !err.body?.error.details?.length ? err : null)} />

      <h2>Channels</h2>
      {channels.data?.data.length === 0 && <p className="empty">No channels yet.</p>}
      <ul className="cards">
        {channels.data?.data.map((c) => {
          const result = tests[c.id];
          return (
            <li key={c.id} className="card" aria-label={`Channel ${c.name}`}>
              <div className="card-head">
                <strong>{c.name}</strong> <span className="badge">{c.type}</span>
                <span className="mono muted break">{c.config.url ?? c.config.webhookUrl ?? c.config.addresses?.join(', ') ?? c.config.chatId}</span>
              </div>
              <div className="actions">
                <button type="button" className="secondary" onClick={() => test.mutate(c.id)}>
                  Send test
                </button>
                <button type="button" className="secondary" onClick={() => addRule.mutate(c.id)}>
                  Alert on any failure
                </button>
                <button type="button" className="danger" onClick={() => remove.mutate(c.id)}>
                  Delete
                </button>
              </div>
              {result && (
                <p role="status" className={result.delivered ? 'ok' : 'error'}>
                  {result.delivered ? 'Delivered' : 'Not delivered'}
                  {result.statusCode !== null && ` (${result.statusCode})`}
                  {result.error && `: ${result.error}`}
                </p>
              )}
            </li>
          );
        })}
      </ul>

      <h2>Rules</h2>
      <AlertRules channels={channels.data?.data ?? []} />

      <h2>Recent notices</h2>
      {notices.data?.data.length === 0 ? (
        <p className="empty">No notices sent yet.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label="Recent notices">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Job</th>
                <th scope="col">Channel</th>
                <th scope="col">Delivery</th>
              </tr>
            </thead>
            <tbody>
              {notices.data?.data.map((n) => (
                <tr key={n.id}>
                  <td>{absolute(n.createdAt)}</td>
                  <td>{n.event}</td>
                  <td className="mono">{n.jobId ?? '—'}</td>
                  <td>{n.channelId ? (channelName.get(n.channelId) ?? n.channelId) : '—'}</td>
                  <td>
                    {n.status} <span className="muted">({n.attempts} attempt{n.attempts === 1 ? '' : 's'})</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
