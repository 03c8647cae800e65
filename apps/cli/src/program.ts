import { Command, CommanderError } from 'commander';
import { EXIT, reportError } from './cli-error';
import { jobsCommand } from './commands/jobs';
import { filesCommand, schedulesCommand, toolsCommand } from './commands/resources';
import { workflowsCommand } from './commands/workflows';
import { commandContext, type CommandContext } from './context';
import { connect } from './connection';
import type { CliEnv } from './env';

/**
 * Runs the CLI on `argv` (without `node` and the script) and resolves with its exit code:
 * 0 done, 1 an API error or a failed job (the problem's detail and fields printed, never a
 * stack), 2 a usage error, 130 a watch stopped with Ctrl-C.
 */
export async function runCli(argv: string[], env: CliEnv): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('ordo')
    .description("Ordo's command line: run and watch jobs, manage workflows, files, tools and schedules.")
    .option('--json', 'print the API answers as JSON (for scripts)')
    .option('--config <path>', `a config file { "api_url", "api_key" } (default ${env.configPath})`)
    .addHelpText(
      'after',
      '\nThe API: ORDO_API_URL and ORDO_API_KEY, else the config file, else http://127.0.0.1:3000.\nExit codes: 0 done, 1 failed, 2 usage error, 130 interrupted.',
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  let context: CommandContext | undefined;
  const ctx = (): CommandContext => {
    if (context) return context;
    const opts = program.opts<{ json?: boolean; config?: string }>();
    let client: ReturnType<typeof connect> | undefined;
    context = commandContext(() => (client ??= connect(env, opts.config)), opts.json === true);
    return context;
  };
  const exit = (code: number) => (exitCode = code);
  for (const command of [
    jobsCommand(ctx, exit),
    workflowsCommand(ctx),
    filesCommand(ctx),
    toolsCommand(ctx),
    schedulesCommand(ctx),
  ])
    program.addCommand(command.exitOverride().showHelpAfterError('(add --help for usage)'));
  // Every subcommand exits through the override too, so misuse anywhere is exit 2.
  const overrideAll = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(overrideAll);
  };
  overrideAll(program);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here too, successfully.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportError(err, program.opts<{ json?: boolean }>().json === true);
  }
}
