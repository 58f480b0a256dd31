import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { absolute } from '../../app/format';
import { CopyButton, ErrorNote } from '../../app/ui';

/** The project's signing secrets: create the first, rotate it (the old one signs for 24 h more); each shown once. */
export function SigningSecrets() {
  const queryClient = useQueryClient();
  const secrets = useQuery({ queryKey: ['signing-secrets'], queryFn: () => unwrap(api.GET('/v1/signing-secrets')) });
  const [shown, setShown] = useState<string | null>(null);
  const done = ({ data }: { data: { secret: string } }) => {
    setShown(data.secret);
    void queryClient.invalidateQueries({ queryKey: ['signing-secrets'] });
  };
  const create = useMutation({ mutationFn: () => unwrap(api.POST('/v1/signing-secrets')), onSuccess: done });
  const rotate = useMutation({ mutationFn: () => unwrap(api.POST('/v1/signing-secrets/rotate')), onSuccess: done });
  const live = secrets.data?.data ?? [];

  return (
    <section className="card" aria-labelledby="secrets-title">
      <h2 id="secrets-title">Signing secrets</h2>
      <p className="muted">Requests carry Standard Webhooks signatures (webhook-signature) made with this secret.</p>
      {shown && (
        <p className="secret" role="status" aria-label="New signing secret">
          Copy it now, it is not shown again: <code className="break" data-testid="new-secret">{shown}</code> <CopyButton text={shown} />
        </p>
      )}
      <ul className="plain">
        {live.map((s) => (
          <li key={s.id}>
            <span className="mono">…{s.lastFour}</span> <span className="muted">created {absolute(s.createdAt)}</span>
            {s.expiresAt && <span className="muted"> · stops signing {absolute(s.expiresAt)}</span>}
          </li>
        ))}
      </ul>
      <ErrorNote error={secrets.error ?? create.error ?? rotate.error} />
      {secrets.isSuccess &&
        (live.length === 0 ? (
          <button type="button" onClick={() => create.mutate()}>
            Create signing secret
          </button>
        ) : (
          <button type="button" className="secondary" onClick={() => rotate.mutate()}>
            Rotate
          </button>
        ))}
    </section>
  );
}
