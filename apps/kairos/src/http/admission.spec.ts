import express from 'express';
import request from 'supertest';
import { admission } from './admission';

describe('admission', () => {
  it('runs at most `limit` requests at once and lets the others in by arrival order', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const queued: number[] = [];
    const app = express();
    app.use(admission(3, (waiting) => queued.push(waiting)));
    app.get('/:n', async (req, res) => {
      running++;
      most = Math.max(most, running);
      started.push(Number(req.params.n));
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
      res.json({ n: Number(req.params.n) });
    });
    const server = app.listen(0);
    try {
      const agent = request(server);
      const answers = [];
      // Sent one after another (each waits to be accepted), so their order of arrival is known.
      for (let n = 0; n < 12; n++) {
        answers.push(agent.get(`/${n}`).then((r) => r.body.n as number));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(await Promise.all(answers)).toEqual([...Array(12).keys()]);
      expect(most).toBe(3);
      expect(started).toEqual([...Array(12).keys()]);
      expect(Math.max(...queued)).toBeGreaterThan(0);
      expect(queued[queued.length - 1]).toBe(0);
    } finally {
      server.close();
    }
  });
});
