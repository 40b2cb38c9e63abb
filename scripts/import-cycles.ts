/**
 * Import circles in the source tree: modules that import each other, directly or round a longer
 * loop (type-only imports count: a contract defined in its implementation is still a circle).
 * Relative imports and `@shared/…` only; a package cannot import back into this repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const SOURCE = /\.(ts|svelte)$/;
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]((?:\.|@shared\/)[^'"]+)['"]|import\(\s*['"]((?:\.|@shared\/)[^'"]+)['"]\s*\)/g;
/** The `@shared` alias (tsconfig paths, Vite's alias): src/shared. */
const SHARED = path.resolve('src/shared');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return SOURCE.test(name) && !/\.test\.ts$/.test(name) ? [full] : [];
  });
}

/** Each file's relative imports, resolved to source files as the bundler would (`x`, `x.ts`, `x/index.ts`). */
export function importGraph(
  files: string[],
  read = (file: string) => readFileSync(file, 'utf8'),
  exists = (file: string) => existsSync(file),
): Map<string, string[]> {
  const resolve = (from: string, specifier: string) => {
    const base = specifier.startsWith('@shared/')
      ? path.join(SHARED, specifier.slice('@shared/'.length))
      : path.resolve(path.dirname(from), specifier);
    return [base, `${base}.ts`, path.join(base, 'index.ts')].find((file) => SOURCE.test(file) && exists(file));
  };
  return new Map(
    files.map((file) => [
      file,
      [...read(file).matchAll(IMPORT)].flatMap((match) => {
        const target = resolve(file, match[1] ?? match[2]);
        return target ? [target] : [];
      }),
    ]),
  );
}

/** The circles of a graph: its strongly connected components of more than one module, or a module importing itself (Tarjan). */
export function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** The circles among the source files under `roots`, as paths relative to the working folder. */
export function sourceCycles(roots: string[]): string[][] {
  const files = roots.flatMap((root) => sourceFiles(root));
  return cycles(importGraph(files)).map((cycle) => cycle.map((file) => path.relative(process.cwd(), file)));
}
