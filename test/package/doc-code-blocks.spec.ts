import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './packed-package.js';

/**
 * Every ```ts block of README.md and docs/*.md compiles against the package (lib/ through
 * path mapping, as `nest-secure-session` and its subpaths), with the project's strict settings.
 * A block is a module of its own; a block whose first line is `// name.ts` is that file, so
 * blocks of one page can import each other (README's app.module.ts imports auth.controller.ts).
 * Names a block uses without importing them are imported for it from the package, Nest, express
 * (types), vitest, or the stand-ins below for the app's own code (a users repository, a config
 * module). A block fenced ```ts nocompile is skipped: use that only for summaries.
 */

const DOCS = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const MAX_NOCOMPILE = 2;

interface Block {
  doc: string;
  /** 1-based line of the fence in the doc. */
  line: number;
  code: string;
  nocompile: boolean;
}

function blocksOf(doc: string): Block[] {
  const lines = readFileSync(join(repoRoot, doc), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let index = 0; index < lines.length; index++) {
    const fence = /^```(ts|typescript)(\s+nocompile)?\s*$/.exec(lines[index]!);
    if (!fence) continue;
    const end = lines.indexOf('```', index + 1);
    blocks.push({ doc, line: index + 1, code: lines.slice(index + 1, end).join('\n'), nocompile: fence[2] !== undefined });
    index = end;
  }
  return blocks;
}

const blocks = DOCS.flatMap(blocksOf);

/** The app code the docs take for granted, as small stand-ins. */
const APP_STAND_INS = `
import { Injectable, Module } from '@nestjs/common';
import type { MfaEnrollment, MfaSecretStore, SessionModuleOptions, SessionOptionsFactory, SessionStore, StoredSession, WriteMode } from 'nest-secure-session';

export const db = { query: async (_sql: string, _params: unknown[]): Promise<{ mfa: MfaEnrollment | null } | undefined> => undefined };
export const audit = { record: (_event: unknown): void => undefined };

@Injectable()
export class UsersService {
  async verifyPassword(_username: string, _password: string): Promise<{ id: string; username: string } | null> { return null; }
}
@Injectable()
export class UsersRepository implements MfaSecretStore {
  async find(_userId: string): Promise<MfaEnrollment | null> { return null; }
  async save(_userId: string, _enrollment: MfaEnrollment): Promise<void> {}
  async remove(_userId: string): Promise<void> {}
}
@Module({ providers: [UsersService, UsersRepository], exports: [UsersService, UsersRepository] })
export class UsersModule {}

@Injectable()
export class ConfigService { get(_key: string): string { return ''; } }
@Module({ providers: [ConfigService], exports: [ConfigService] })
export class ConfigModule {}
@Injectable()
export class SessionConfig implements SessionOptionsFactory {
  createSessionOptions(): SessionModuleOptions { return { secret: 'x'.repeat(32) }; }
}

@Module({})
export class AppModule {}

export class MyStore implements SessionStore {
  constructor(_options?: unknown) {}
  async get(_key: string): Promise<StoredSession | null> { return null; }
  async set(_key: string, _record: StoredSession, _ttlMs: number, _mode: WriteMode): Promise<boolean> { return true; }
  async destroy(_key: string): Promise<void> {}
  async close(): Promise<void> {}
}
export const options = {};
export const secret = 'x'.repeat(32);
export const users = new UsersRepository();
export declare const passkeyStore: import('nest-secure-session').PasskeyStore;
export const denyList = { has: async (_ip: string | undefined): Promise<boolean> => false };
export declare const token: string;
export declare const issuer: string;
export declare const audience: string;
export declare const app: import('@nestjs/common').INestApplication;
`;

const PACKAGE_PATHS: Record<string, string[]> = {
  'nest-secure-session': [join(repoRoot, 'lib/index.ts')],
  'nest-secure-session/redis': [join(repoRoot, 'lib/redis.ts')],
  'nest-secure-session/testing': [join(repoRoot, 'lib/testing/index.ts')],
};

/** Where an unimported name comes from, first match wins (express before Nest: `Request` is a type there). */
const IMPORT_SOURCES: Array<{ module: string; typeOnly?: boolean }> = [
  { module: 'nest-secure-session' },
  { module: 'nest-secure-session/testing' },
  { module: 'nest-secure-session/redis' },
  { module: 'express', typeOnly: true },
  { module: '@nestjs/common' },
  { module: '@nestjs/core' },
  { module: '@nestjs/testing' },
  { module: 'vitest' },
  { module: 'jose' },
  { module: './app-stand-ins.js' },
];

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2023.d.ts', 'lib.es2024.string.d.ts'],
  strict: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
  paths: PACKAGE_PATHS,
};

/** Virtual files under a directory of the repository (so its package.json makes them ESM). */
const VIRTUAL_ROOT = join(repoRoot, 'docs', '.code-blocks');

function programOver(files: Map<string, string>): ts.Program {
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  const dirs = new Set([...files.keys()].flatMap((file) => [dirname(file), dirname(dirname(file))]));
  host.fileExists = (file) => files.has(file) || fileExists(file);
  host.readFile = (file) => files.get(file) ?? readFile(file);
  host.directoryExists = (dir) => dirs.has(dir) || (directoryExists?.(dir) ?? false);
  host.getSourceFile = (file, language, ...rest) =>
    files.has(file) ? ts.createSourceFile(file, files.get(file)!, language, true) : getSourceFile(file, language, ...rest);
  return ts.createProgram({ rootNames: [...files.keys()], options, host });
}

/** The names each import source exports, read by the compiler. */
const exportsBySource = (() => {
  const probe = new Map([[join(VIRTUAL_ROOT, 'probe', 'app-stand-ins.ts'), APP_STAND_INS]]);
  const probeFile = join(VIRTUAL_ROOT, 'probe', 'probe.ts');
  probe.set(probeFile, IMPORT_SOURCES.map((source, i) => `import * as m${i} from '${source.module}';`).join('\n'));
  const program = programOver(probe);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(probeFile)!;
  return IMPORT_SOURCES.map((source, i) => {
    const statement = file.statements[i] as ts.ImportDeclaration;
    const symbol = checker.getSymbolAtLocation(statement.moduleSpecifier);
    if (!symbol) throw new Error(`cannot resolve ${source.module} for the doc blocks`);
    return { ...source, names: new Set(checker.getExportsOfModule(symbol).map((exported) => exported.name)) };
  });
})();

/** Names a block declares or imports itself, and every identifier it uses. */
function namesOf(code: string): { declared: Set<string>; used: Set<string> } {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.Latest, true);
  const declared = new Set<string>();
  const used = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) declared.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) declared.add(element.name.text);
      if (bindings && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text);
    } else if ((ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && statement.name) {
      declared.add(statement.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) declared.add(declaration.name.text);
      }
    }
  }
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { declared, used };
}

/** The block's file name: `// app.module.ts` on its first line, else one made from its place. */
function fileNameOf(block: Block, index: number): string {
  const named = /^\/\/\s*([\w.-]+\.ts)\s*$/.exec(block.code.split('\n')[0] ?? '');
  return named ? named[1]! : `block-${index + 1}-line-${block.line}.ts`;
}

function withImports(code: string): { text: string; addedLines: number } {
  const { declared, used } = namesOf(code);
  const taken = new Set(declared);
  const lines: string[] = [];
  for (const source of exportsBySource) {
    const names = [...used].filter((name) => source.names.has(name) && !taken.has(name));
    if (names.length === 0) continue;
    for (const name of names) taken.add(name);
    lines.push(`import ${source.typeOnly ? 'type ' : ''}{ ${names.join(', ')} } from '${source.module}';`);
  }
  // `export {}` keeps a block without imports or exports a module (top-level await, no global leaks).
  lines.push('export {};');
  return { text: `${lines.join('\n')}\n${code}\n`, addedLines: lines.length };
}

/** A wrong block compiled beside the real ones: its error shows the check can fail. */
const SELF_CHECK_FILE = join(VIRTUAL_ROOT, 'self-check', 'wrong.ts');

/** The compile errors of every block, `doc:line: message`; the self-check's under its own key. */
const compileErrors = (() => {
  let memo: string[] | undefined;
  return (): string[] => (memo ??= compileAll());
})();

function compileAll(): string[] {
  const files = new Map<string, string>();
  files.set(join(VIRTUAL_ROOT, 'self-check', 'app-stand-ins.ts'), APP_STAND_INS);
  files.set(SELF_CHECK_FILE, withImports("SessionModule.forRoot({ secret: 'x', idleTimeout: '30 min' });").text);
  const origin = new Map<string, { block: Block; addedLines: number }>();
  const byDoc = new Map<string, Block[]>();
  for (const block of blocks.filter((candidate) => !candidate.nocompile)) byDoc.set(block.doc, [...(byDoc.get(block.doc) ?? []), block]);
  for (const [doc, docBlocks] of byDoc) {
    const dir = join(VIRTUAL_ROOT, doc.replace(/[/.]/g, '_'));
    files.set(join(dir, 'app-stand-ins.ts'), APP_STAND_INS);
    // The README's quick start imports its users module from './users.js'.
    files.set(join(dir, 'users.ts'), "export * from './app-stand-ins.js';\n");
    docBlocks.forEach((block, index) => {
      const file = join(dir, fileNameOf(block, index));
      const { text, addedLines } = withImports(block.code);
      files.set(file, text);
      origin.set(file, { block, addedLines });
    });
  }
  const program = programOver(files);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => !diagnostic.file || !diagnostic.file.fileName.endsWith('app-stand-ins.ts'))
    .map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
      const found = diagnostic.file && origin.get(diagnostic.file.fileName);
      if (diagnostic.file?.fileName === SELF_CHECK_FILE) return `self-check: ${message}`;
      if (!found || diagnostic.start === undefined) return `${diagnostic.file ? relative(repoRoot, diagnostic.file.fileName) : ''}: ${message}`;
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
      return `${found.block.doc}:${found.block.line + line - found.addedLines + 1}: ${message}`;
    });
}

describe('the TypeScript blocks of README.md and docs/', () => {
  it('finds the blocks (README quick start included)', () => {
    expect(blocks.filter((block) => block.doc === 'README.md').length).toBeGreaterThanOrEqual(2);
    expect(blocks.length).toBeGreaterThan(10);
  });

  it(`marks at most ${MAX_NOCOMPILE} blocks nocompile`, () => {
    expect(blocks.filter((block) => block.nocompile).map((block) => `${block.doc}:${block.line}`).length).toBeLessThanOrEqual(MAX_NOCOMPILE);
  });

  it('type-check against the package with strict settings', () => {
    expect(compileErrors().filter((error) => !error.startsWith('self-check:'))).toEqual([]);
  }, 120_000);

  it('the check can fail: a wrong block compiled beside them is reported', () => {
    expect(compileErrors().filter((error) => error.startsWith('self-check:')).length).toBeGreaterThan(0);
  }, 120_000);
});
