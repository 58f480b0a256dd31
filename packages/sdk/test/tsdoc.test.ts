import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** Every public symbol of the SDK's entry and, for classes and interfaces, each public member. */
/** A public symbol; `field` for an interface's fields, which its own example shows in use. */
interface Documented {
  name: string;
  declaration: ts.Declaration;
  field?: boolean;
}

function publicSymbols(): Documented[] {
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const found: Documented[] = [];
  const seen = new Set<ts.Symbol>();
  const visit = (symbol: ts.Symbol, name: string): void => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (seen.has(target)) return;
    seen.add(target);
    const declaration = target.declarations?.[0];
    if (!declaration) return;
    // The names of generated request and response shapes (types.ts) are documented by the API's own descriptions.
    if (declaration.getSourceFile().fileName.endsWith('/types.ts') || declaration.getSourceFile().fileName.includes('/generated/')) return;
    found.push({ name, declaration });
    if (ts.isClassDeclaration(declaration) || ts.isInterfaceDeclaration(declaration)) {
      for (const member of declaration.members) {
        const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
        if (modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
        if (ts.getJSDocTags(member).some((t) => t.tagName.text === 'internal')) continue;
        if (member.name && ts.isPrivateIdentifier(member.name)) continue;
        const memberName = member.name ? member.name.getText() : ts.isConstructorDeclaration(member) ? 'constructor' : '?';
        // An error class's constructor is the server's to call, and `name` is Error's own.
        if (ts.isConstructorDeclaration(member) && ts.isClassDeclaration(declaration) && declaration.name?.text.endsWith('Error')) continue;
        if (modifiers.some((m) => m.kind === ts.SyntaxKind.OverrideKeyword) && memberName === 'name') continue;
        found.push({ name: `${name}.${memberName}`, declaration: member as ts.Declaration, field: ts.isInterfaceDeclaration(declaration) });
        // A resource group (kairos.jobs, kairos.alerts.rules …) is public through the property that holds it.
        if (ts.isPropertyDeclaration(member) && ts.isClassDeclaration(declaration)) {
          const held = checker.getTypeAtLocation(member).getSymbol();
          if (held && held.declarations?.some((d) => ts.isClassDeclaration(d))) visit(held, `${name}.${memberName}`);
        }
      }
    }
  };
  for (const symbol of checker.getExportsOfModule(module)) visit(symbol, symbol.name);
  return found;
}

function docOf(node: ts.Node): string {
  const ranges = ts.getJSDocCommentsAndTags(node);
  return ranges.map((r) => r.getText()).join('\n');
}

describe('the SDK documentation', () => {
  const symbols = publicSymbols();

  it('finds the public API', () => {
    expect(symbols.map((s) => s.name)).toEqual(
      expect.arrayContaining(['Kairos', 'Kairos.schedule', 'Kairos.jobs', 'Kairos.jobs.create', 'Kairos.alerts.rules.list', 'Kairos.executions.stream', 'verifyWebhook', 'KairosError']),
    );
  });

  it('gives every public symbol and class member TSDoc with an example', () => {
    const missing = symbols.filter(({ declaration, field }) => !field && !/@example/.test(docOf(declaration))).map((s) => s.name);
    expect(missing).toEqual([]);
  });

  it('describes every field of a public interface', () => {
    const missing = symbols.filter(({ declaration, field }) => field && !/\/\*\*\s*\S/.test(docOf(declaration))).map((s) => s.name);
    expect(missing).toEqual([]);
  });
});
