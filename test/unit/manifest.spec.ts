import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
const declared = new Set([
  ...Object.keys(manifest.dependencies ?? {}),
  ...Object.keys(manifest.peerDependencies ?? {}),
]);

/**
 * Packages lib/ may import for their types only: erased from the emitted JavaScript, so the
 * package need not be installed to run the module. Nothing else gets this pass.
 */
const TYPE_ONLY_ALLOWED: Record<string, string> = {
  // Request/Response types; the runtime express is the one @nestjs/platform-express (a peer) brings.
  express: 'Request and Response types of the platform @nestjs/platform-express runs on',
};

interface BareImport {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function libSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return libSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** `express-session/x` -> `express-session`, `@nestjs/common/y` -> `@nestjs/common`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false; // `import 'x'` runs x
  if (clause.isTypeOnly) return true;
  if (clause.name) return false; // a default import is a value
  const bindings = clause.namedBindings;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0
    ? bindings.elements.every((element) => element.isTypeOnly)
    : false;
}

/** Every import that does not start with `.`: static, re-exports, dynamic, `declare module` augmentations. */
function bareImports(file: string): BareImport[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: BareImport[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) found.push({ file: relative(root, file), specifier, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      add((node.moduleSpecifier as ts.StringLiteral).text, isTypeOnly(node));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) add(argument.text, false);
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      add(node.name.text, true);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const imports = libSources(join(root, 'lib')).flatMap(bareImports);

/** The packages the published declaration files import, from an in-memory emit of tsconfig.build.json. */
function packagesInDeclarations(): Set<string> {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  })!;
  const options = { ...config.options, declaration: true, emitDeclarationOnly: true, noEmit: false };
  const program = ts.createProgram({ rootNames: config.fileNames, options });
  const found = new Set<string>();
  program.emit(undefined, (_file, text) => {
    for (const match of text.matchAll(/from '([^.'][^']*)'|import\("([^."][^"]*)"\)/g)) {
      found.add(packageName(match[1] ?? match[2]!));
    }
  });
  return found;
}

/** True when the installed package carries its own type declarations. */
function shipsOwnTypes(name: string): boolean {
  const manifestOf = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as Record<string, unknown>;
  if (manifestOf['types'] || manifestOf['typings']) return true;
  if (JSON.stringify(manifestOf['exports'] ?? {}).includes('"types"')) return true;
  // TypeScript also finds `x.d.ts` beside the entry point `x.js`.
  const main = typeof manifestOf['main'] === 'string' ? manifestOf['main'] : 'index.js';
  return existsSync(join(root, 'node_modules', name, main.replace(/\.c?js$/, '.d.ts')));
}

describe('manifest', () => {
  it('finds the imports it checks (the scan itself works)', () => {
    expect(imports.map((i) => i.specifier)).toEqual(
      expect.arrayContaining(['@nestjs/common', 'express-session', 'otplib']),
    );
    expect(imports.some((i) => i.specifier === 'express' && i.typeOnly)).toBe(true);
  });

  it('every bare import in lib/ is a declared dependency or peer (node: builtins excepted)', () => {
    const undeclared = imports
      .filter(({ specifier }) => !isBuiltin(specifier))
      .filter(({ specifier, typeOnly }) => {
        const name = packageName(specifier);
        return !declared.has(name) && !(typeOnly && name in TYPE_ONLY_ALLOWED);
      })
      .map(({ file, specifier, typeOnly }) => `${file}: ${typeOnly ? 'import type ' : ''}'${specifier}'`);
    expect(undeclared).toEqual([]);
  });

  it('builtins are imported with the node: prefix', () => {
    const unprefixed = imports.filter((i) => isBuiltin(i.specifier) && !i.specifier.startsWith('node:'));
    expect(unprefixed.map((i) => `${i.file}: '${i.specifier}'`)).toEqual([]);
  });

  it('no peer that lib/ imports as a value is optional (the package would fail to load without it)', () => {
    const optional = Object.entries(
      (manifest as { peerDependenciesMeta?: Record<string, { optional?: boolean }> }).peerDependenciesMeta ?? {},
    )
      .filter(([, meta]) => meta.optional === true)
      .map(([name]) => name);
    const loadedAtImport = optional.filter((name) =>
      imports.some((i) => !i.typeOnly && packageName(i.specifier) === name),
    );
    expect(loadedAtImport).toEqual([]);
  });

  it("the published .d.ts resolve for a consumer: each package they import ships types or its @types is a dependency", () => {
    const inDeclarations = packagesInDeclarations();
    expect(inDeclarations).toContain('express-session');
    const untyped = [...inDeclarations].filter(
      (name) => !shipsOwnTypes(name) && manifest.dependencies?.[`@types/${name}`] === undefined,
    );
    expect(untyped).toEqual([]);
  }, 60_000);

  it('every dependency is used by lib/ (nothing installed for nothing)', () => {
    // A @types package is used when lib/ imports the package it types.
    const used = new Set(imports.flatMap((i) => [packageName(i.specifier), `@types/${packageName(i.specifier)}`]));
    const unused = Object.keys(manifest.dependencies ?? {}).filter((name) => !used.has(name));
    expect(unused).toEqual([]);
  });
});
