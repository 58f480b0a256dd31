import { CopyButton } from '../../app/ui';

/** The job's status and uptime badges, with the Markdown and HTML that embed them elsewhere. */
export function Badges({ jobId, name }: { jobId: string; name: string }) {
  const base = `${window.location.origin}/badges/${jobId}`;
  const status = `${base}/status.svg`;
  const uptime = `${base}/uptime.svg`;
  const markdown = `![${name} status](${status}) ![${name} uptime](${uptime})`;
  const html = `<img src="${status}" alt="${name} status"> <img src="${uptime}" alt="${name} uptime">`;
  return (
    <section className="card" aria-labelledby="badges-title">
      <h2 id="badges-title">Badges</h2>
      <p>
        <img src={status} alt={`${name} status badge`} height={20} /> <img src={uptime} alt={`${name} uptime badge`} height={20} />
      </p>
      <div className="snippet">
        <span className="label">Markdown</span>
        <code className="break">{markdown}</code>
        <CopyButton text={markdown} label="Copy Markdown" />
      </div>
      <div className="snippet">
        <span className="label">HTML</span>
        <code className="break">{html}</code>
        <CopyButton text={html} label="Copy HTML" />
      </div>
    </section>
  );
}
