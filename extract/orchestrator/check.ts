/** `npm run elt -- --check`: connectivity and credentials per source, and a rolled-back warehouse write. */
import { HttpClient } from '../kit/http/index.js';
import { describeError, sharedPerRun, sourceInstances } from '../kit/runner.js';
import { secretStore } from '../kit/secrets.js';
import { httpOptionsFor, type CheckStep } from '../kit/source.js';
import type { Selection } from './args.js';
import type { CommandContext } from './environment.js';

export interface CheckLine extends CheckStep {
  scope: string;
}

export async function runChecks(selections: readonly Selection[], context: CommandContext): Promise<boolean> {
  let ok = true;
  const report = (line: CheckLine) => {
    ok &&= line.ok;
    context.print(`${line.ok ? 'ok  ' : 'FAIL'}  ${line.scope.padEnd(18)} ${line.name}: ${line.detail}`);
  };
  try {
    await context.warehouse.checkWrite();
    report({ scope: 'warehouse', name: 'write test (rolled back)', ok: true, detail: context.warehouse.description });
  } catch (error) {
    report({ scope: 'warehouse', name: 'write test (rolled back)', ok: false, detail: describeError(error) });
  }
  for (const { source } of selections) {
    const env = context.envs.envFor(source.name);
    const configuration = source.configure(env);
    if (!configuration.configured) {
      context.print(`skip  ${source.name.padEnd(18)} not configured (set ${configuration.missing.join(', ')})`);
      continue;
    }
    const http = new HttpClient({
      name: source.name,
      logger: context.log,
      ...httpOptionsFor(source, env),
      retry: { attempts: 2 },
    });
    const secrets = secretStore(context.warehouse, env);
    let instances;
    try {
      instances = await sourceInstances(source, env, secrets);
    } catch (error) {
      report({ scope: source.name, name: 'accounts', ok: false, detail: describeError(error) });
      continue;
    }
    const sharedFor = sharedPerRun();
    for (const instance of instances) {
      const scope = instance.name === 'default' ? source.name : `${source.name}@${instance.name}`;
      const checkContext = { instance, http, log: context.log, signal: context.signal, secrets, shared: sharedFor() };
      try {
        for await (const step of source.check(checkContext)) report({ scope, ...step });
      } catch (error) {
        report({ scope, name: 'check', ok: false, detail: describeError(error) });
      }
    }
  }
  return ok;
}
