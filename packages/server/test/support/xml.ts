/**
 * A small well-formedness check for XML documents such as SVG badges: every tag closed in order,
 * attributes quoted and unique, only the five predefined entities or character references. Returns
 * the problem, or null. Enough to catch an unescaped `<` or `&` or a tag left open.
 */
export function xmlProblem(text: string): string | null {
  const stack: string[] = [];
  let i = 0;
  let roots = 0;
  const badText = (s: string) => (/[<>]/.test(s.replace(/&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, '')) || /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s));
  while (i < text.length) {
    const open = text.indexOf('<', i);
    const chunk = open === -1 ? text.slice(i) : text.slice(i, open);
    if (badText(chunk)) return `bad character data near ${JSON.stringify(chunk.slice(0, 40))}`;
    if (chunk.trim() !== '' && stack.length === 0) return 'text outside the root element';
    if (open === -1) break;
    const close = text.indexOf('>', open);
    if (close === -1) return 'unterminated tag';
    const tag = text.slice(open + 1, close);
    i = close + 1;
    if (tag.startsWith('?')) continue;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) return `</${name}> closes the wrong element`;
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const m = /^([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*\/?$/.exec(tag);
    if (!m) return `malformed tag <${tag.slice(0, 60)}>`;
    const names = [...m[2]!.matchAll(/([A-Za-z_][\w:.-]*)\s*=/g)].map((a) => a[1]);
    if (new Set(names).size !== names.length) return `duplicate attribute in <${m[1]}>`;
    for (const value of m[2]!.matchAll(/=\s*(?:"([^"]*)"|'([^']*)')/g)) if (badText(value[1] ?? value[2] ?? '')) return `bad attribute value in <${m[1]}>`;
    if (stack.length === 0) roots++;
    if (roots > 1) return 'more than one root element';
    if (!selfClosing) stack.push(m[1]!);
  }
  return stack.length === 0 && roots === 1 ? null : `unclosed <${stack.at(-1) ?? '(no root)'}>`;
}
