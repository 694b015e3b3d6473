/**
 * npm run elt: make sure the warehouse is up, run the enabled sources, land raw data, dbt build, summarise.
 * `npm run elt -- --help` lists the options and exit codes.
 */
import { loadEnv } from './extract/kit/config.js';
import { DbtInstallError } from './extract/kit/dbt/install.js';
import { describeError } from './extract/kit/runner.js';
import { WarehouseError } from './extract/kit/warehouse/postgres/embedded.js';
import { HELP, parseCli, selectSources, UsageError } from './extract/orchestrator/args.js';
import { runChecks } from './extract/orchestrator/check.js';
import {
  anySourceConfigured,
  openWarehouse,
  sourceEnvironments,
  WarehouseUnreachable,
} from './extract/orchestrator/environment.js';
import { LockHeld, renderSummary, runPipeline, takeRunLock } from './extract/orchestrator/pipeline.js';
import { runSample } from './extract/orchestrator/sample.js';
import { renderStatus } from './extract/orchestrator/status.js';
import { createTerminal } from './extract/orchestrator/terminal.js';
import { secretStore } from './extract/kit/secrets.js';
import { SOURCES } from './extract/sources/index.js';

const EXIT = { ok: 0, failed: 1, usage: 2, locked: 3, unreachable: 4, interrupted: 130 } as const;

const SOURCE_COMMANDS = SOURCES.flatMap((s) => s.commands ?? []);

/** A source's own command (e.g. square-auth): against the real warehouse, or the demo one with --demo. */
async function runSourceCommand(name: string, args: string[]): Promise<number> {
  const command = SOURCE_COMMANDS.find((c) => c.name === name)!;
  const demo = args.includes('--demo');
  const terminal = createTerminal();
  const opened = await openWarehouse(demo, terminal.log);
  try {
    await opened.warehouse.prepare([]);
    return await command.run({
      args: args.filter((a) => a !== '--demo'),
      env: process.env,
      warehouse: opened.warehouse,
      secrets: secretStore(opened.warehouse, process.env),
      log: terminal.log,
      print: terminal.print,
      signal: new AbortController().signal,
    });
  } finally {
    terminal.stop();
    await opened.close();
  }
}

async function main(argv: string[]): Promise<number> {
  loadEnv();
  if (argv[0] && SOURCE_COMMANDS.some((c) => c.name === argv[0])) return runSourceCommand(argv[0], argv.slice(1));
  const options = parseCli(argv);
  if (options.help) {
    const extra = SOURCE_COMMANDS.map((c) => `  ${c.name.padEnd(18)}${c.summary}`).join('\n');
    console.log(extra ? `${HELP}\n\nSource commands:\n${extra}` : HELP);
    return EXIT.ok;
  }
  const selections = selectSources(SOURCES, options.only, options.skip);
  if (
    options.command === 'backfill' &&
    !selections.some((s) => s.source.entities.some((e) => e.backfill && (!s.entities || s.entities.has(e.name))))
  ) {
    throw new UsageError(`nothing to backfill: ${options.only.join(', ')} has no entity that reads past date ranges`);
  }
  const demo = options.demo || !anySourceConfigured(SOURCES, process.env);
  const terminal = createTerminal();
  const interrupt = new AbortController();
  const onSignal = () => {
    terminal.log.warn('interrupted: stopping after the current step (Ctrl-C again to force)');
    interrupt.abort(new Error('interrupted by the user'));
    process.once('SIGINT', () => process.exit(EXIT.interrupted));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  if (demo && options.command !== 'status') {
    terminal.print(
      options.demo
        ? 'DEMO MODE (--demo): sources run against their built-in sandboxes; data lands in the separate demo database.'
        : 'DEMO MODE: no source credentials are configured, so every source runs against its built-in sandbox\n' +
            'and lands clearly labelled demo data in a separate demo database. ' +
            'Configure credentials in .env for real data (see README).',
    );
  }
  const opened = await openWarehouse(demo, terminal.log);
  try {
    if (options.command === 'status') {
      terminal.print(renderStatus(await opened.warehouse.status(), opened.warehouse.description));
      return EXIT.ok;
    }
    const lands = options.command !== 'check' && options.command !== 'sample';
    if (lands) await takeRunLock(opened.warehouse);
    const envs = await sourceEnvironments(lands && !options.extract ? [] : selections, demo, terminal.log);
    try {
      if (options.command === 'sample') {
        await opened.warehouse.prepare([]);
        const context = {
          envs,
          warehouse: opened.warehouse,
          log: terminal.log,
          signal: interrupt.signal,
          print: terminal.print,
        };
        return await runSample(selections[0]!, { ...options.sample!, instances: options.instances }, context);
      }
      if (options.command === 'check') {
        await opened.warehouse.prepare([]);
        const ok = await runChecks(selections, {
          envs,
          warehouse: opened.warehouse,
          log: terminal.log,
          signal: interrupt.signal,
          print: terminal.print,
        });
        return ok ? EXIT.ok : EXIT.failed;
      }
      const result = await runPipeline(selections, options, {
        opened,
        envs,
        terminal,
        demo,
        interrupt: interrupt.signal,
        argv,
      });
      terminal.print(renderSummary(result, { demo, warehouse: opened.warehouse.description }));
      if (interrupt.signal.aborted) return EXIT.interrupted;
      return result.ok ? EXIT.ok : EXIT.failed;
    } finally {
      await envs.close();
    }
  } finally {
    terminal.stop();
    await opened.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = describeError(error);
    if (error instanceof UsageError) {
      console.error(`elt: ${message}\nRun "npm run elt -- --help" for the options.`);
      process.exit(EXIT.usage);
    }
    if (error instanceof LockHeld) {
      console.error(message);
      process.exit(EXIT.locked);
    }
    if (error instanceof WarehouseUnreachable || error instanceof WarehouseError) {
      console.error(message);
      process.exit(EXIT.unreachable);
    }
    if (error instanceof DbtInstallError) {
      console.error(message);
      process.exit(EXIT.failed);
    }
    console.error(`elt: ${message}`);
    process.exit(EXIT.failed);
  },
);
