import { SPLIT_KINDS, type SplitKind } from '../core/pipeline';
import { one, UsageError, type ParsedArgs } from './args';

/** `--split time|random`: how the --train files are split when no --test files are given; none: time. */
export function splitArg(args: ParsedArgs): SplitKind | undefined {
  const split = one(args, 'split') as SplitKind | undefined;
  if (split && !SPLIT_KINDS.includes(split)) throw new UsageError(`--split must be one of ${SPLIT_KINDS.join(', ')}`);
  if (split && args.get('test')) throw new UsageError('--split is for splitting the --train files: leave it out with --test');
  return split;
}
