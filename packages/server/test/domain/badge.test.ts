import { describe, expect, it } from 'vitest';
import { badgeColors, renderBadge, statusBadge, textWidth, uptimeBadge } from '../../src/domain/badge.js';
import { xmlProblem } from '../support/xml.js';

describe('status badge', () => {
  it('is paused for a paused job whatever its last result', () => {
    expect(statusBadge({ status: 'paused', lastStatus: 'failed' })).toMatchObject({ message: 'paused', color: badgeColors.blue });
  });
  it('is failing when the latest attempt failed, timed out or was dead-lettered', () => {
    for (const lastStatus of ['failed', 'timeout', 'dead_letter']) expect(statusBadge({ status: 'active', lastStatus }).message).toBe('failing');
  });
  it('is passing when the latest attempt succeeded, also for a completed one-time job', () => {
    expect(statusBadge({ status: 'completed', lastStatus: 'success' })).toMatchObject({ label: 'status', message: 'passing', color: badgeColors.brightgreen });
  });
  it('is pending before the first run and unknown without a job', () => {
    expect(statusBadge({ status: 'active', lastStatus: null }).message).toBe('pending');
    expect(statusBadge(undefined)).toMatchObject({ message: 'unknown', color: badgeColors.grey });
  });
});

describe('uptime badge', () => {
  const counts = (o: Record<string, number>) => new Map(Object.entries(o));
  it('shows the share of delivered attempts that succeeded, ignoring those over quota', () => {
    expect(uptimeBadge(counts({ success: 3, failed: 1, quota_exceeded: 50 })).message).toBe('75%');
    expect(uptimeBadge(counts({ success: 199, timeout: 1 })).message).toBe('99.5%');
  });
  it('rounds down, so one failure in thousands never reads 100%', () => {
    expect(uptimeBadge(counts({ success: 9999, failed: 1 })).message).toBe('99.9%');
    expect(uptimeBadge(counts({ success: 10 })).message).toBe('100%');
  });
  it('colours by threshold', () => {
    expect(uptimeBadge(counts({ success: 99, failed: 1 })).color).toBe(badgeColors.brightgreen);
    expect(uptimeBadge(counts({ success: 96, failed: 4 })).color).toBe(badgeColors.green);
    expect(uptimeBadge(counts({ success: 91, failed: 9 })).color).toBe(badgeColors.yellow);
    expect(uptimeBadge(counts({ success: 85, failed: 15 })).color).toBe(badgeColors.orange);
    expect(uptimeBadge(counts({ success: 1, dead_letter: 1 })).color).toBe(badgeColors.red);
  });
  it('says no runs when nothing was delivered, unknown without a job', () => {
    expect(uptimeBadge(counts({ quota_exceeded: 2 })).message).toBe('no runs');
    expect(uptimeBadge(undefined).message).toBe('unknown');
  });
});

describe('badge SVG', () => {
  it('is well-formed, titled for screen readers, and sized to its text', () => {
    const svg = renderBadge({ label: 'status', message: 'passing', color: '#4c1' });
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).toContain('<title>status: passing</title>');
    expect(svg).toContain('aria-label="status: passing"');
    expect(svg).toContain('fill="#4c1"');
    const width = Number(/^<svg[^>]* width="(\d+)"/.exec(svg)![1]);
    expect(width).toBe(textWidth('status') + textWidth('passing') + 20);
  });
  it('escapes what would break the markup', () => {
    const svg = renderBadge({ label: 'a<b', message: `"x" & 'y'`, color: '#fff" onload="x' });
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).not.toContain('onload="x');
  });
  it('estimates wide text wider than narrow text', () => {
    expect(textWidth('mmmm')).toBeGreaterThan(textWidth('iiii'));
    expect(textWidth('')).toBe(0);
  });
});

describe('xml check used by the badge tests', () => {
  it('finds unclosed tags, stray ampersands and unquoted attributes', () => {
    expect(xmlProblem('<a><b></a>')).not.toBeNull();
    expect(xmlProblem('<a>x & y</a>')).not.toBeNull();
    expect(xmlProblem('<a x=1/>')).not.toBeNull();
    expect(xmlProblem('<a x="1"><b/>t &amp; u</a>')).toBeNull();
  });
});
