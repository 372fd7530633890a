import express, { type Request, type Response } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { openRequestSession, RequestSessionState } from './request-session-state.js';
import { hookResponse, installResponseHooks, type ResponseSteps } from './response-hooks.js';

/** A request's session state whose response steps are `steps` (what the engine would do). */
function stateFor(req: Request, steps: ResponseSteps): RequestSessionState {
  return new RequestSessionState(req, undefined, undefined as never, {
    beforeHeaders: (_req, res) => steps.beforeHeaders(res),
    commit: () => steps.beforeEnd(),
  });
}

/** Steps that record what ran, and add a header before the head is written. */
function recordingSteps(log: string[], pending?: () => Promise<void>): ResponseSteps {
  return {
    headersSeen: false,
    ending: false,
    beforeHeaders(res: Response) {
      log.push('headers');
      res.setHeader('x-step', 'ran');
    },
    beforeEnd() {
      log.push('end');
      return pending?.();
    },
  };
}

function appWith(install: boolean, steps: (req: Request) => ResponseSteps | undefined) {
  const app = express();
  if (install) installResponseHooks(app.response);
  app.use((req, res, next) => {
    const forRequest = steps(req);
    if (forRequest) {
      openRequestSession(req, stateFor(req, forRequest));
      hookResponse(res);
    }
    next();
  });
  app.get('/json', (_req, res) => void res.json({ ok: true }));
  app.get('/stream', (_req, res) => {
    res.write('a');
    res.end('b');
  });
  app.get('/twice', (_req, res) => {
    res.end('first');
    res.end('second');
  });
  return app;
}

describe('response hooks', () => {
  for (const install of [true, false]) {
    const how = install ? 'on the app’s response prototype' : 'per response (an app not hooked)';

    it(`runs each step once, the header step before the head goes out (${how})`, async () => {
      const log: string[] = [];
      const app = appWith(install, () => recordingSteps(log));
      const json = await request(app).get('/json');
      expect(json.headers['x-step']).toBe('ran');
      const stream = await request(app).get('/stream');
      expect(stream.text).toBe('ab');
      expect(stream.headers['x-step']).toBe('ran');
      expect(log).toEqual(['end', 'headers', 'headers', 'end']);
    });

    it(`delays the end until the end step settles, and ends once (${how})`, async () => {
      const log: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const app = appWith(install, () =>
        recordingSteps(log, () => gate.then(() => void log.push('saved'))),
      );
      const answer = request(app).get('/twice').then((res) => (log.push('answered'), res));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(log).toEqual(['end']);
      release();
      const res = await answer;
      expect(res.text).toBe('first');
      expect(log).toEqual(['end', 'saved', 'headers', 'answered']);
    });
  }

  it('hooks an app once however often it is installed (two SessionModules in one app)', async () => {
    const log: string[] = [];
    const app = appWith(true, () => recordingSteps(log, () => Promise.resolve()));
    installResponseHooks(app.response);
    const res = await request(app).get('/json');
    expect(res.body).toEqual({ ok: true });
    expect(log).toEqual(['end', 'headers']);
  });

  it('never wraps a response twice: one already hooked through its app is left as it is', async () => {
    const log: string[] = [];
    const app = express();
    installResponseHooks(app.response);
    app.use((req, res, next) => {
      openRequestSession(req, stateFor(req, recordingSteps(log, () => Promise.resolve())));
      hookResponse(res);
      hookResponse(res);
      next();
    });
    app.get('/', (_req, res) => void res.json({ ok: true }));
    const res = await request(app).get('/');
    expect(res.body).toEqual({ ok: true });
    expect(log).toEqual(['end', 'headers']);
  });

  it('leaves responses to requests without steps alone', async () => {
    const log: string[] = [];
    const app = appWith(true, () => undefined);
    const res = await request(app).get('/json');
    expect(res.body).toEqual({ ok: true });
    expect(res.headers['x-step']).toBeUndefined();
    expect(log).toEqual([]);
  });
});
