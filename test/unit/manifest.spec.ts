import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  exports: Record<string, { types: string; default: string }>;
};
const optionalPeers = Object.entries(manifest.peerDependenciesMeta ?? {})
  .filter(([, meta]) => meta.optional === true)
  .map(([name]) => name);
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
  /** `import('x')`: loaded when that code runs, not when the package is imported. */
  dynamic?: boolean;
}

/** The lib/ source of each package entry point: `./dist/redis.js` -> `lib/redis.ts`. */
const entrySources = Object.fromEntries(
  Object.entries(manifest.exports).map(([entry, target]) => [
    entry,
    join(root, target.default.replace(/^\.\/dist\//, 'lib/').replace(/\.js$/, '.ts')),
  ]),
);

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
  const add = (specifier: string, typeOnly: boolean, dynamic = false) => {
    if (!specifier.startsWith('.')) found.push({ file: relative(root, file), specifier, typeOnly, dynamic });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      add((node.moduleSpecifier as ts.StringLiteral).text, isTypeOnly(node));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) add(argument.text, false, true);
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

/** The lib/ files loading `entry` runs: its relative value imports, followed (type-only ones are erased). */
function loadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    for (const node of source.statements) {
      if (!(ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) || !node.moduleSpecifier) continue;
      const specifier = (node.moduleSpecifier as ts.StringLiteral).text;
      if (specifier.startsWith('.') && !isTypeOnly(node)) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  };
  visit(entry);
  return seen;
}

/** The published declaration files, from an in-memory emit of tsconfig.build.json: path to text. */
const declarations = (() => {
  let emitted: Map<string, string> | undefined;
  return (): Map<string, string> => {
    if (emitted) return emitted;
    const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), undefined, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    })!;
    const options = { ...config.options, declaration: true, emitDeclarationOnly: true, noEmit: false };
    const program = ts.createProgram({ rootNames: config.fileNames, options });
    emitted = new Map();
    program.emit(undefined, (file, text) => emitted!.set(file, text));
    return emitted;
  };
})();

/** The packages the published declaration files import. */
function packagesInDeclarations(): Set<string> {
  const found = new Set<string>();
  for (const text of declarations().values()) {
    for (const match of text.matchAll(/from '([^.'][^']*)'|import\("([^."][^"]*)"\)/g)) {
      found.add(packageName(match[1] ?? match[2]!));
    }
  }
  return found;
}

/** Type errors of the published declarations compiled on their own, as a consumer's compiler sees them. */
function declarationErrors(): string[] {
  const files = declarations();
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    strict: true,
    noEmit: true,
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  const virtualDirs = new Set([...files.keys()].map((file) => dirname(file)));
  host.directoryExists = (dir) => virtualDirs.has(dir) || (directoryExists?.(dir) ?? false);
  host.fileExists = (file) => files.has(file) || fileExists(file);
  host.readFile = (file) => files.get(file) ?? readFile(file);
  host.getSourceFile = (file, language, ...rest) =>
    files.has(file) ? ts.createSourceFile(file, files.get(file)!, language) : getSourceFile(file, language, ...rest);
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file && files.has(diagnostic.file.fileName))
    .map((diagnostic) => `${relative(root, diagnostic.file!.fileName)}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`);
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

  it('each package entry point has its lib/ source', () => {
    expect(Object.keys(entrySources)).toEqual(['.', './redis', './testing']);
    for (const source of Object.values(entrySources)) expect(existsSync(source), source).toBe(true);
  });

  it('no optional peer is loaded by the main or the redis entry (the package loads without it)', () => {
    expect(optionalPeers).toContain('supertest');
    const loadedAtImport = (entry: string) => {
      const files = loadedBy(entrySources[entry]!);
      return imports
        // A dynamic import() of an optional peer (openid-client, only when `oidc` is used) is not a load at import.
        .filter((i) => !i.typeOnly && !i.dynamic && optionalPeers.includes(packageName(i.specifier)))
        .filter((i) => files.has(join(root, i.file)))
        .map((i) => `${entry} loads ${i.file}: '${i.specifier}'`);
    };
    expect([...loadedAtImport('.'), ...loadedAtImport('./redis')]).toEqual([]);
    // The scan sees the optional peer where it is loaded: the testing entry.
    expect(loadedAtImport('./testing')).not.toEqual([]);
  });

  it('the main entry loads redis, so redis stays a required peer', () => {
    const files = loadedBy(entrySources['.']!);
    const loadsRedis = imports.some((i) => !i.typeOnly && i.specifier === 'redis' && files.has(join(root, i.file)));
    expect(loadsRedis || optionalPeers.includes('redis')).toBe(true);
    if (loadsRedis) expect(optionalPeers).not.toContain('redis');
  });

  it("the published .d.ts resolve for a consumer: each package they import ships types or its @types is a dependency", () => {
    const inDeclarations = packagesInDeclarations();
    expect(inDeclarations).toContain('express-session');
    // An optional peer's types may come from an optional peer too: only its entry's users need them.
    const typesDeclared = (name: string) =>
      manifest.dependencies?.[`@types/${name}`] !== undefined ||
      (optionalPeers.includes(name) && optionalPeers.includes(`@types/${name}`));
    const untyped = [...inDeclarations].filter((name) => !shipsOwnTypes(name) && !typesDeclared(name));
    expect(untyped).toEqual([]);
  }, 60_000);

  it('the published .d.ts compile on their own (nothing stripped as @internal is still referenced)', () => {
    expect(declarationErrors()).toEqual([]);
  }, 60_000);

  it('the published SessionEvents lets apps subscribe, not emit', () => {
    const text = [...declarations()].find(([file]) => file.endsWith('events/session-events.d.ts'))?.[1] ?? '';
    expect(text).toMatch(/subscribe\(listener/);
    expect(text).not.toMatch(/\bemit(For)?\(|eventFor\(/);
  }, 60_000);

  it('every dependency is used by lib/ (nothing installed for nothing)', () => {
    // A @types package is used when lib/ imports the package it types.
    const used = new Set(imports.flatMap((i) => [packageName(i.specifier), `@types/${packageName(i.specifier)}`]));
    const unused = Object.keys(manifest.dependencies ?? {}).filter((name) => !used.has(name));
    expect(unused).toEqual([]);
  });
});
