import { loadLlmConfig } from '../../config/llm';

const SET = { OPENAI_BASE_URL: 'https://api.deepseek.com/v1/', OPENAI_API_KEY: 'sk-test-123', OPENAI_MODEL: 'deepseek-chat' };

describe('LLM classifier configuration', () => {
  it('is off when none of OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL is set (empty counts as unset)', () => {
    expect(loadLlmConfig({})).toBeNull();
    expect(loadLlmConfig({ OPENAI_BASE_URL: '', OPENAI_API_KEY: '', OPENAI_MODEL: '' })).toBeNull();
    // Tuning alone does not turn it on.
    expect(loadLlmConfig({ OPENAI_TIMEOUT_MS: '2000', LLM_CACHE_MINUTES: '5' })).toBeNull();
  });

  it('reads the three with the defaults: 4 s timeout, breaker 5 failures / 60 s, cache 30 minutes', () => {
    expect(loadLlmConfig(SET)).toEqual({
      baseUrl: 'https://api.deepseek.com/v1',
      apiKey: 'sk-test-123',
      model: 'deepseek-chat',
      timeoutMs: 4000,
      breaker: { failuresInARow: 5, coolDownMs: 60_000 },
      cacheTtlMs: 30 * 60_000,
    });
  });

  it('reads the tuning variables', () => {
    const config = loadLlmConfig({
      ...SET,
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      OPENAI_MODEL: 'qwen2.5:7b',
      OPENAI_TIMEOUT_MS: '1500',
      LLM_BREAKER_FAILURES: '3',
      LLM_BREAKER_COOL_DOWN_S: '120',
      LLM_CACHE_MINUTES: '0',
    })!;
    expect(config).toMatchObject({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b', timeoutMs: 1500, breaker: { failuresInARow: 3, coolDownMs: 120_000 }, cacheTtlMs: 0 });
  });

  it('stops the start on a partial set, naming what is missing', () => {
    expect(() => loadLlmConfig({ OPENAI_API_KEY: 'sk-x' })).toThrow(/needs OPENAI_BASE_URL, OPENAI_MODEL as well/);
    expect(() => loadLlmConfig({ OPENAI_BASE_URL: SET.OPENAI_BASE_URL, OPENAI_API_KEY: 'sk-x' })).toThrow(/needs OPENAI_MODEL as well \(set all of OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL/);
  });

  it('names each malformed variable, and never echoes the key', () => {
    const attempt = () =>
      loadLlmConfig({ ...SET, OPENAI_BASE_URL: 'api.deepseek.com', OPENAI_MODEL: 'deepseek chat', OPENAI_TIMEOUT_MS: 'soon', LLM_BREAKER_FAILURES: '0', LLM_BREAKER_COOL_DOWN_S: '1.5', LLM_CACHE_MINUTES: '-1' });
    expect(attempt).toThrow(/OPENAI_BASE_URL must look like https:\/\//);
    expect(attempt).toThrow(/OPENAI_MODEL must be a model name without spaces/);
    expect(attempt).toThrow(/OPENAI_TIMEOUT_MS must be a whole number of milliseconds/);
    expect(attempt).toThrow(/LLM_BREAKER_FAILURES must be at least 1 failures/);
    expect(attempt).toThrow(/LLM_BREAKER_COOL_DOWN_S must be a whole number of seconds/);
    expect(attempt).toThrow(/LLM_CACHE_MINUTES must be at least 0 minutes/);
    expect(() => loadLlmConfig({ ...SET, OPENAI_TIMEOUT_MS: '50' })).toThrow(/OPENAI_TIMEOUT_MS must be at least 100 milliseconds/);
    try {
      loadLlmConfig({ ...SET, OPENAI_MODEL: 'bad model' });
    } catch (error) {
      expect((error as Error).message).not.toContain(SET.OPENAI_API_KEY);
    }
  });
});
