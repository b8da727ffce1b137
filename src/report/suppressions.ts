// LeakSanitizer-style suppressions: one `leak:<template>` per line, `#`
// comments, blank lines ignored. A template matches a stack when it matches
// the function name, the source file or the module of any of its frames, as
// LSan does (sanitizer_common's TemplateMatch): a substring match, `*` for any
// run of characters, `^` at the start and `$` at the end to anchor.
// `leak:process_data` silences process_data and process_data_fixed alike;
// `leak:^process_data$` only the former; `leak:leak.c` every frame of leak.c.
import type { FrameMsg } from '../protocol/messages';

export interface Suppression {
  /** The template as written after `leak:`. */
  readonly template: string;
  /** 1-based line in its file (0 when given in code). */
  readonly line: number;
  readonly test: (text: string) => boolean;
}

export class SuppressionError extends Error {
  override name = 'SuppressionError';
}

/** A template as a predicate on one string (a function name, a file path, a module name). */
export function templateMatcher(template: string): (text: string) => boolean {
  let t = template;
  const start = t.startsWith('^');
  if (start) t = t.slice(1);
  const end = t.endsWith('$');
  if (end) t = t.slice(0, -1);
  const body = t
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const re = new RegExp(`${start ? '^' : ''}${body}${end ? '$' : ''}`, 's');
  return (text) => text.length > 0 && re.test(text);
}

/** Parses a suppressions file. Only `leak:` lines exist here; any other type is an error (a typo would otherwise silence nothing). */
export function parseSuppressions(text: string): Suppression[] {
  const out: Suppression[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const type = colon < 0 ? '' : line.slice(0, colon).trim();
    const template = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (type !== 'leak')
      throw new SuppressionError(`suppressions line ${i + 1}: expected "leak:<function, file or module>", got "${line}"`);
    if (template === '' || template === '^' || template === '$' || template === '^$') {
      throw new SuppressionError(`suppressions line ${i + 1}: empty template`);
    }
    out.push({ template, line: i + 1, test: templateMatcher(template) });
  }
  return out;
}

/** Suppressions from templates given in code (`['process_data', 'leak.c']`) or already parsed. */
export function toSuppressions(list: readonly (string | Suppression)[] | undefined): Suppression[] {
  return (list ?? []).map((s) => (typeof s === 'string' ? { template: s, line: 0, test: templateMatcher(s) } : s));
}

/** The first suppression matching a stack (any frame's function, file or the module), or null. */
export function suppressedBy(rules: readonly Suppression[], frames: readonly FrameMsg[], moduleName: string): Suppression | null {
  for (const rule of rules) {
    if (moduleName && rule.test(moduleName)) return rule;
    for (const f of frames) if (rule.test(f.name) || rule.test(f.file)) return rule;
  }
  return null;
}
