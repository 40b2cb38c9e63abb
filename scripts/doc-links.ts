/**
 * Checks the links of the project's Markdown: every relative link and image points at a file that
 * exists, and every `#anchor` at a heading of its target (as GitHub names headings).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6} +(.+)$/.exec(line);
    if (heading) anchors.add(headingSlug(heading[1]));
  }
  return anchors;
}

/** Links in `markdown` outside code, as written: `[text](target)` and `![alt](target)`. */
export function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]);
}

/** What is wrong with the links of the Markdown file `file` (empty when nothing is). */
export function brokenLinks(file: string, markdown = readFileSync(file, 'utf8')): string[] {
  const problems: string[] = [];
  for (const link of linksOf(markdown)) {
    if (/^[a-z]+:/i.test(link)) continue; // https:, mailto: — not checked offline
    const [target, anchor] = link.split('#', 2);
    const resolved = target ? path.resolve(path.dirname(file), decodeURIComponent(target)) : file;
    if (!existsSync(resolved)) {
      problems.push(`${file}: ${link} (no such file)`);
      continue;
    }
    if (anchor && resolved.endsWith('.md') && !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor))
      problems.push(`${file}: ${link} (no heading #${anchor} in ${path.relative(process.cwd(), resolved)})`);
  }
  return problems;
}
