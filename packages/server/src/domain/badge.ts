import type { JobStatus } from './jobState.js';

/**
 * Status and uptime badges as SVG images in the flat style of shields.io: a grey label on the
 * left, a coloured message on the right. Pure: the facts go in, the image text comes out.
 */

export const badgeColors = {
  brightgreen: '#4c1',
  green: '#97ca00',
  yellow: '#dfb317',
  orange: '#fe7d37',
  red: '#e05d44',
  blue: '#5b7fa6',
  grey: '#9f9f9f',
  label: '#555',
} as const;

export interface Badge {
  label: string;
  message: string;
  /** A CSS colour for the message side. */
  color: string;
}

/** What a status badge knows of a job; undefined when the job is unknown or its badges are off. */
export interface StatusFacts {
  status: JobStatus;
  /** The status of the job's latest attempt; null before the first. */
  lastStatus: string | null;
}

const failures = new Set(['failed', 'timeout', 'dead_letter']);

/** Statuses an attempt counts as failed in uptime and sparklines. */
export const isFailure = (status: string): boolean => failures.has(status);

/** The grey badge shown for an unknown job and for a project that turned its badges off. */
export const unknownBadge = (label: string): Badge => ({ label, message: 'unknown', color: badgeColors.grey });

/**
 * passing, failing or paused, like JustRun's: paused wins, then the latest attempt decides; a job
 * that has not run yet is pending, and an attempt that was not delivered (over quota) is skipped.
 */
export function statusBadge(facts: StatusFacts | undefined): Badge {
  if (!facts) return unknownBadge('status');
  if (facts.status === 'paused') return { label: 'status', message: 'paused', color: badgeColors.blue };
  if (facts.lastStatus === null) return { label: 'status', message: 'pending', color: badgeColors.grey };
  if (isFailure(facts.lastStatus)) return { label: 'status', message: 'failing', color: badgeColors.red };
  if (facts.lastStatus === 'success') return { label: 'status', message: 'passing', color: badgeColors.brightgreen };
  return { label: 'status', message: 'skipped', color: badgeColors.grey };
}

/**
 * The share of delivered attempts that succeeded, in per cent with one decimal, rounded down so
 * that one failure among thousands never shows as 100%. Attempts that were not delivered (over
 * quota) count neither way; with none delivered there is no figure.
 */
export function uptimeBadge(counts: ReadonlyMap<string, number> | undefined): Badge {
  if (!counts) return unknownBadge('uptime');
  let success = 0;
  let failed = 0;
  for (const [status, n] of counts) {
    if (status === 'success') success += n;
    else if (isFailure(status)) failed += n;
  }
  const total = success + failed;
  if (total === 0) return { label: 'uptime', message: 'no runs', color: badgeColors.grey };
  const tenths = Math.floor((success * 1000) / total);
  const percent = tenths % 10 === 0 ? `${tenths / 10}%` : `${(tenths / 10).toFixed(1)}%`;
  const share = tenths / 10;
  const color = share >= 99 ? badgeColors.brightgreen : share >= 95 ? badgeColors.green : share >= 90 ? badgeColors.yellow : share >= 80 ? badgeColors.orange : badgeColors.red;
  return { label: 'uptime', message: percent, color };
}

// Advance widths of Verdana at 11 px, the font shields.io measures with, grouped roughly: close
// enough that the text fits its box without a font file or a canvas.
const narrow = new Set([...'ijl.,:;\'|!()[] ']);
const wide = new Set([...'mwMW%@']);

/** The estimated width in pixels of `text` in 11 px Verdana. */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (narrow.has(ch)) width += 3.9;
    else if (wide.has(ch)) width += 10.7;
    else if (ch >= 'A' && ch <= 'Z') width += 7.5;
    else if (ch >= '0' && ch <= '9') width += 7;
    else width += 6.6;
  }
  return Math.round(width);
}

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** The badge as a standalone SVG document, with a title and aria-label for screen readers. */
export function renderBadge({ label, message, color }: Badge): string {
  const labelWidth = textWidth(label) + 10;
  const messageWidth = textWidth(message) + 10;
  const width = labelWidth + messageWidth;
  const title = escapeXml(`${label}: ${message}`);
  const l = escapeXml(label);
  const m = escapeXml(message);
  const lx = labelWidth / 2;
  const mx = labelWidth + messageWidth / 2;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${title}">` +
    `<title>${title}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${labelWidth}" height="20" fill="${badgeColors.label}"/><rect x="${labelWidth}" width="${messageWidth}" height="20" fill="${escapeXml(color)}"/><rect width="${width}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="11">` +
    `<text aria-hidden="true" x="${lx}" y="15" fill="#010101" fill-opacity=".3">${l}</text><text x="${lx}" y="14">${l}</text>` +
    `<text aria-hidden="true" x="${mx}" y="15" fill="#010101" fill-opacity=".3">${m}</text><text x="${mx}" y="14">${m}</text>` +
    `</g></svg>`
  );
}
