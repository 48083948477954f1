import { parseArgs, UsageError, type ParsedArgs } from './args';

/**
 * Parses the command line (`--help` prints the usage), runs the command's body and turns
 * failures into one clear sentence and an exit code: 2 for a wrong command line (with the
 * usage), 1 for anything else (bad file, no benign rows, model for another schema, …).
 * Stack traces only with DEBUG=1.
 */
export function runCommand(usage: string, options: Record<string, 'many' | 'one' | 'switch'>, body: (args: ParsedArgs) => Promise<number>): void {
  const run = async () => {
    const args = parseArgs(process.argv.slice(2), { ...options, help: 'switch' });
    if (args.has('help')) {
      console.log(usage);
      return 0;
    }
    return body(args);
  };
  run().then(
    (code) => process.exit(code),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      if (process.env.DEBUG) console.error(e.stack);
      if (e instanceof UsageError) {
        console.error(`error: ${e.message}\n\n${usage}`);
        process.exit(2);
      }
      console.error(`error: ${e.message}`);
      process.exit(1);
    },
  );
}
