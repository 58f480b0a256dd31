import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

describe('destination settings from the environment', () => {
  it('defaults to no email and the public Telegram and Resend APIs', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ smtpUrl: undefined, resendApiKey: undefined, emailFrom: 'Kairos <kairos@localhost>', telegramApiUrl: 'https://api.telegram.org', resendApiUrl: 'https://api.resend.com' });
  });

  it('reads SMTP, Resend and Telegram settings', () => {
    const c = loadConfig({
      KAIROS_SMTP_URL: 'smtp://u:p@127.0.0.1:2525',
      KAIROS_EMAIL_FROM: 'ops@example.com',
      RESEND_API_KEY: 're_x',
      KAIROS_RESEND_API_URL: 'http://127.0.0.1:9000/',
      KAIROS_TELEGRAM_API_URL: 'http://127.0.0.1:9001',
    });
    expect(c).toMatchObject({ smtpUrl: 'smtp://u:p@127.0.0.1:2525', emailFrom: 'ops@example.com', resendApiKey: 're_x', resendApiUrl: 'http://127.0.0.1:9000', telegramApiUrl: 'http://127.0.0.1:9001' });
  });

  it('refuses a bad SMTP URL without echoing its password', () => {
    expect(() => loadConfig({ KAIROS_SMTP_URL: 'http://u:hunter2@mail.example' })).toThrow(/KAIROS_SMTP_URL must look like/);
    expect(() => loadConfig({ KAIROS_SMTP_URL: 'http://u:hunter2@mail.example' })).not.toThrow(/hunter2/);
    expect(() => loadConfig({ KAIROS_TELEGRAM_API_URL: 'ftp://x' })).toThrow(/KAIROS_TELEGRAM_API_URL/);
  });
});
