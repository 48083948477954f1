/**
 * `--flag value value --other v --switch`: every flag takes the words up to the next
 * flag, so `--train a.csv b.csv folder/` names three inputs.
 */
export type ParsedArgs = Map<string, string[]>;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: readonly string[], known: Record<string, 'many' | 'one' | 'switch'>): ParsedArgs {
  const out: ParsedArgs = new Map();
  let current: string | null = null;
  for (const word of argv) {
    if (word.startsWith('--')) {
      const [name, inline] = word.slice(2).split(/=(.*)/s, 2);
      if (!(name in known)) throw new UsageError(`unknown option --${name}`);
      if (out.has(name) && known[name] !== 'many') throw new UsageError(`--${name} is given twice`);
      current = name;
      if (!out.has(name)) out.set(name, []);
      if (inline !== undefined) out.get(name)!.push(inline);
      if (known[name] === 'switch') current = null;
      continue;
    }
    if (current === null) {
      // a command that takes inputs before its options names them ''
      if (known[''] !== 'many') throw new UsageError(`"${word}" does not belong to any option`);
      if (!out.has('')) out.set('', []);
      out.get('')!.push(word);
      continue;
    }
    out.get(current)!.push(word);
  }
  for (const [name, values] of out) {
    if (known[name] === 'one' && values.length !== 1) throw new UsageError(`--${name} takes exactly one value`);
    if (known[name] === 'many' && values.length === 0) throw new UsageError(`--${name} needs at least one value`);
  }
  return out;
}

export function one(args: ParsedArgs, name: string): string | undefined {
  return args.get(name)?.[0];
}

export function numberArg(args: ParsedArgs, name: string, check: (v: number) => boolean, what: string): number | undefined {
  const text = one(args, name);
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || !check(v)) throw new UsageError(`--${name} must be ${what}, not "${text}"`);
  return v;
}
