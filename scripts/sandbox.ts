/**
 * npm run sandbox -- advance [source...] | serve [source...] | reset
 * advance: the vendor's data moves on (a new Tock export, ...), so the next demo run loads incrementally.
 * serve:   starts the sandboxes and prints the environment that points a source at them, until Ctrl-C.
 * reset:   forgets every sandbox's advanced state.
 */
import { rm } from 'node:fs/promises';
import { defaultStateDir } from '../extract/kit/sandbox/state.js';
import { SOURCES } from '../extract/sources/index.js';

const HELP = 'Usage: npm run sandbox -- advance [source...] | serve [source...] | reset';

async function main(): Promise<number> {
  const [command, ...names] = process.argv.slice(2);
  const unknown = names.filter((n) => !SOURCES.some((s) => s.name === n));
  if (unknown.length) {
    console.error(`unknown source ${unknown.join(', ')} (known: ${SOURCES.map((s) => s.name).join(', ')})`);
    return 2;
  }
  const chosen = SOURCES.filter((s) => (names.length === 0 || names.includes(s.name)) && s.startSandbox);
  switch (command) {
    case 'advance':
      for (const source of chosen) {
        const sandbox = await source.startSandbox!();
        console.log(await sandbox.advance());
        await sandbox.close();
      }
      return 0;
    case 'serve':
      for (const source of chosen) {
        const sandbox = await source.startSandbox!();
        console.log(`# ${source.title} sandbox`);
        for (const [k, v] of Object.entries(sandbox.env)) console.log(`${k}=${v}`);
      }
      console.log('# serving until Ctrl-C');
      await new Promise(() => {});
      return 0;
    case 'reset':
      await rm(defaultStateDir(), { recursive: true, force: true });
      console.log('sandbox state reset');
      return 0;
    default:
      console.log(HELP);
      return command === '--help' || command === '-h' ? 0 : 2;
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(`sandbox: ${(error as Error).message}`);
  process.exit(1);
});
