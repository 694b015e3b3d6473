import { describe, expect, it } from 'vitest';
import { checkSteps } from '../../extract/kit/check.js';
import type { CheckContext, CheckStep } from '../../extract/kit/source.js';

const context = {} as CheckContext<unknown>;
async function steps(check: ReturnType<typeof checkSteps<unknown>>): Promise<CheckStep[]> {
  const out: CheckStep[] = [];
  for await (const step of check(context)) out.push(step);
  return out;
}

describe('checkSteps', () => {
  it('runs the steps in turn, each with what it found', async () => {
    const order: string[] = [];
    const check = checkSteps([
      { name: 'a', run: () => (order.push('a'), Promise.resolve('found a')) },
      { name: 'b', run: () => (order.push('b'), Promise.resolve('found b')) },
    ]);
    expect(await steps(check)).toEqual([
      { name: 'a', ok: true, detail: 'found a' },
      { name: 'b', ok: true, detail: 'found b' },
    ]);
    expect(order).toEqual(['a', 'b']);
  });

  it('a step that throws fails with its sentence and ends the check', async () => {
    let ranAfter = false;
    const check = checkSteps([
      { name: 'login', run: () => Promise.reject(new Error('refused: check X_TOKEN')) },
      { name: 'list', run: () => ((ranAfter = true), Promise.resolve('')) },
    ]);
    expect(await steps(check)).toEqual([{ name: 'login', ok: false, detail: 'refused: check X_TOKEN' }]);
    expect(ranAfter).toBe(false);
  });
});
