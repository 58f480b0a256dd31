export type Theme = 'light' | 'dark';
const key = 'kairos.theme';

/** The theme chosen here before, else the system's. */
export function initialTheme(): Theme {
  const saved = localStorage.getItem(key);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem(key, theme);
}
