// The classify CLI: one output line per good input line, in order; bad lines reported on stderr
// by line number without stopping; exit code 1 when any line failed.
import { PassThrough, Readable } from 'node:stream';
import { runClassifyCli } from '../../bot/classifyCli';
import { RuleClassifier } from '../../handlers/classify/ruleClassifier';
import type { Classifier } from '../../handlers/classify/types';
import { loadTaxonomy } from '../../seeds/taxonomy';

async function runCli(lines: string, classifier: Classifier): Promise<{ code: number; out: string[]; err: string[] }> {
  const output = new PassThrough();
  const errors = new PassThrough();
  const outChunks: string[] = [];
  const errChunks: string[] = [];
  output.on('data', (chunk: Buffer) => outChunks.push(chunk.toString('utf8')));
  errors.on('data', (chunk: Buffer) => errChunks.push(chunk.toString('utf8')));
  const code = await runClassifyCli(Readable.from([lines]), output, errors, classifier);
  const split = (chunks: string[]): string[] => chunks.join('').split('\n').filter((l) => l !== '');
  return { code, out: split(outChunks), err: split(errChunks) };
}

/** Answers by text length, slowly for short texts, so out-of-order completion would show. */
const echoClassifier: Classifier = {
  name: 'echo',
  classify: async (text) => {
    await new Promise((resolve) => setTimeout(resolve, text.length < 3 ? 20 : 0));
    return { category: text.length < 3 ? 'chat' : 'noise', urgency: text.length < 3 ? null : 'normal', confidence: 0.5, source: 'echo' };
  },
};

describe('classify CLI', () => {
  it('writes one JSON line per input line, in input order, with exit code 0', async () => {
    const input = ['{"id":"a","text":"hi"}', '{"id":"b","text":"loud music"}', '{"id":"c","text":"ok"}'].join('\n');
    const { code, out, err } = await runCli(input, echoClassifier);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    const line = (id: string, category: string, urgency: string | null) => ({ id, category, urgency, confidence: 0.5, source: 'echo', latencyMs: expect.any(Number), triage: false });
    expect(out.map((l) => JSON.parse(l))).toEqual([line('a', 'chat', null), line('b', 'noise', 'normal'), line('c', 'chat', null)]);
  });

  it('reports bad lines by number on stderr, keeps going, skips blank lines and exits 1', async () => {
    const input = [
      '{"id":"1","text":"fine"}',
      'not json at all',
      '',
      '{"id":"3"}',
      '   ',
      '{"id":"4","text":42}',
      '["text"]',
      '{"id":"5","text":"also fine"}',
    ].join('\r\n');
    const { code, out, err } = await runCli(input, echoClassifier);
    expect(code).toBe(1);
    expect(out.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['1', '5']);
    expect(err).toHaveLength(4);
    expect(err[0]).toMatch(/line 2: not valid JSON/);
    expect(err[1]).toMatch(/line 4: missing a string "text"/);
    expect(err[2]).toMatch(/line 6: missing a string "text"/);
    expect(err[3]).toMatch(/line 7: not a JSON object/);
  });

  it('classifies with the rule classifier end to end', async () => {
    const input = [
      '{"id":"m1","text":"电梯关人了！8栋电梯卡在两层中间"}',
      '{"id":"m2","text":"收到，谢谢网格员"}',
      '{"id":"m3","text":"请问老年卡怎么办理？"}',
    ].join('\n');
    const { code, out } = await runCli(input, new RuleClassifier(loadTaxonomy()));
    expect(code).toBe(0);
    const rows = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toEqual([
      expect.objectContaining({ id: 'm1', category: 'fire_gas_emergency', urgency: 'critical', source: 'rules' }),
      expect.objectContaining({ id: 'm2', category: 'chat', urgency: null }),
      expect.objectContaining({ id: 'm3', category: 'consult', urgency: null }),
    ]);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['category', 'confidence', 'id', 'latencyMs', 'source', 'triage', 'urgency']);
      expect(row.confidence).toEqual(expect.any(Number));
    }
  });

  it('reports a classifier failure for that line and continues', async () => {
    const flaky: Classifier = {
      name: 'flaky',
      classify: async (text) => {
        if (text === 'boom') throw new Error('model unavailable');
        return { category: 'chat', urgency: null, confidence: 1, source: 'flaky' };
      },
    };
    const { code, out, err } = await runCli('{"id":1,"text":"boom"}\n{"id":2,"text":"ok"}\n', flaky);
    expect(code).toBe(1);
    expect(out).toHaveLength(1);
    expect(err[0]).toMatch(/line 1: classifier failed \(model unavailable\)/);
  });
});
