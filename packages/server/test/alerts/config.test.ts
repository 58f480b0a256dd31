import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('KAIROS_PUBLIC_URL', () => {
  it('is null when unset, and an http(s) URL without its trailing slash when set', () => {
    expect(loadConfig({}).publicUrl).toBeNull();
    expect(loadConfig({ KAIROS_PUBLIC_URL: 'https://kairos.example.com/' }).publicUrl).toBe('https://kairos.example.com');
    expect(loadConfig({ KAIROS_PUBLIC_URL: 'http://10.0.0.5:8080/kairos' }).publicUrl).toBe('http://10.0.0.5:8080/kairos');
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => loadConfig({ KAIROS_PUBLIC_URL: 'kairos.example.com' })).toThrow(/KAIROS_PUBLIC_URL/);
    expect(() => loadConfig({ KAIROS_PUBLIC_URL: 'ftp://kairos.example.com' })).toThrow(/KAIROS_PUBLIC_URL/);
  });
});
