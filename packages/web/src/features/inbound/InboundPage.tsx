import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api, unwrap } from '../../api/client';
import { absolute, duration } from '../../app/format';
import { CopyButton, ErrorNote, Field, PageTitle } from '../../app/ui';
import { RecentRequests } from './RecentRequests';

/** Inbound webhooks: a URL anyone may POST to, whose payload Kairos sends on to a target (after a delay). */
export function InboundPage() {
  const queryClient = useQueryClient();
  const hooks = useQuery({ queryKey: ['inbound'], queryFn: () => unwrap(api.GET('/v1/inbound-webhooks', { params: { query: { page: 1, perPage: 100 } } })) });
  const [name, setName] = useState('');
  const [targetUrl, setTargetUrl] = useState('');
  const [delay, setDelay] = useState('0');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/inbound-webhooks', { body: { name: name || undefined, targetUrl, delayMs: Number(delay) * 1000 } })),
    onSuccess: () => {
      setName('');
      setTargetUrl('');
      void queryClient.invalidateQueries({ queryKey: ['inbound'] });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/v1/inbound-webhooks/{id}', { params: { path: { id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['inbound'] }),
  });
  const err = create.error instanceof ApiError ? create.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <>
      <PageTitle>Inbound webhooks</PageTitle>
      <form onSubmit={submit} className="card inline-form" aria-label="New inbound webhook" noValidate>
        <Field label="Name" error={err?.issue('name')}>
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={255} />
        </Field>
        <Field label="Send to" error={err?.issue('targetUrl')} hint="Each payload posted is sent on here">
          <input type="url" value={targetUrl} onChange={(e) => setTargetUrl(e.target.value)} required />
        </Field>
        <Field label="Delay (s)" error={err?.issue('delayMs')}>
          <input type="number" min={0} value={delay} onChange={(e) => setDelay(e.target.value)} />
        </Field>
        <button type="submit" disabled={create.isPending}>
          Create
        </button>
      </form>
      <ErrorNote error={hooks.error ?? remove.error ?? (err && !err.body?.error.details?.length ? err : null)} />
      {hooks.data?.data.length === 0 && <p className="empty">No inbound webhooks yet.</p>}
      <ul className="cards">
        {hooks.data?.data.map((h) => (
          <li key={h.id} className="card" aria-label={`Inbound webhook ${h.name ?? h.slug}`}>
            <div className="card-head">
              <strong>{h.name ?? h.slug}</strong>
              <span className="muted">
                → {h.method} <span className="mono break">{h.targetUrl}</span>
                {h.delayMs > 0 && ` after ${duration(h.delayMs)}`}
              </span>
            </div>
            <div className="snippet">
              <span className="label">POST to</span>
              <code className="break">{h.url}</code>
              <CopyButton text={h.url} label="Copy URL" />
            </div>
            <p className="muted">
              Created {absolute(h.createdAt)}
              {h.hasSecret && ' · requests must be signed'}
            </p>
            <RecentRequests id={h.id} name={h.name ?? h.slug} />
            <button type="button" className="danger" onClick={() => remove.mutate(h.id)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
