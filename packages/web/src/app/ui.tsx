import { cloneElement, type ReactElement, type ReactNode, useId } from 'react';
import { ApiError } from '../api/client';

/** A status as a coloured pill; the word is always shown, so colour is never the only cue. */
export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span className="badge">—</span>;
  return <span className={`badge badge-${status}`}>{status.replace('_', ' ')}</span>;
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? error.message : String((error as Error).message ?? error);
  return (
    <p role="alert" className="error">
      {text}
    </p>
  );
}

/** A labelled control; its hint and the API's issue with it are tied to it by aria-describedby. */
export function Field({ label, error, hint, children }: { label: string; error?: string; hint?: ReactNode; children: ReactElement<Record<string, unknown>> }) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label className="label" htmlFor={id}>
        {label}
      </label>
      {cloneElement(children, { id, 'aria-describedby': described, 'aria-invalid': error ? true : undefined })}
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  return (
    <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(text)}>
      {label}
    </button>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-title">
      <h1>{children}</h1>
      {actions && <div className="actions">{actions}</div>}
    </div>
  );
}
