import 'reflect-metadata';
import { Controller, Get, Post } from '@nestjs/common';
import express from 'express';
import request from 'supertest';
import { QueryByPost, admission, admissionLanes, laneOf, queriesByPost } from './admission';

@Controller('v1/things')
class ThingsController {
  @Post()
  create() {}

  @Post('search')
  @QueryByPost()
  search() {}

  @Post(':id/preview')
  @QueryByPost()
  preview() {}

  @Post(':id/archive')
  archive() {}
}

describe('admission', () => {
  it('runs at most `limit` requests at once and lets the others in by arrival order', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const queued: number[] = [];
    // The first three hold on until the other nine wait: a slow machine that took longer to send
    // each request than to answer one would otherwise never queue anything.
    let allArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (allArrived = resolve));
    const app = express();
    app.use(
      admission(3, (waiting) => {
        queued.push(waiting);
        if (waiting === 9) allArrived();
      }),
    );
    app.get('/:n', async (req, res) => {
      running++;
      most = Math.max(most, running);
      started.push(Number(req.params.n));
      await arrived;
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
      server.closeAllConnections();
      server.close();
    }
  });

  it('skips a request whose client left while it waited', async () => {
    const ran: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app = express();
    app.use(admission(1));
    app.get('/:name', async (req, res) => {
      ran.push(req.params.name);
      if (req.params.name === 'first') await gate;
      res.json({ name: req.params.name });
    });
    const server = app.listen(0);
    try {
      const agent = request(server);
      const first = agent.get('/first').timeout(2000).then((r) => r.status);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const gone = agent.get('/gone').timeout(50).then(() => 'answered', () => 'gave up');
      expect(await gone).toBe('gave up');
      const last = agent.get('/last').timeout(2000).then((r) => r.body.name as string);
      await new Promise((resolve) => setTimeout(resolve, 20));
      release();
      expect(await first).toBe(200);
      expect(await last).toBe('last');
      expect(ran).toEqual(['first', 'last']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('queues queries and commands apart: a query runs while commands fill their lane', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app = express();
    app.use(admissionLanes(1, (path) => path === '/availability/query'));
    app.post('/bookings', async (req, res) => {
      order.push(`command ${String(req.query.n)}`);
      if (req.query.n === '1') await gate;
      res.json({});
    });
    app.post('/availability/query', (_req, res) => (order.push('availability'), res.json({})));
    app.get('/bookings/:id', (_req, res) => (order.push('get'), res.json({})));
    const server = app.listen(0);
    try {
      const agent = request(server);
      const first = agent.post('/bookings?n=1').then((r) => r.status);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const second = agent.post('/bookings?n=2').then((r) => r.status);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await agent.get('/bookings/b1')).status).toBe(200);
      expect((await agent.post('/availability/query')).status).toBe(200);
      expect(order).toEqual(['command 1', 'get', 'availability']);
      release();
      expect(await Promise.all([first, second])).toEqual([200, 200]);
      expect(order).toEqual(['command 1', 'get', 'availability', 'command 2']);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('counts GET, HEAD and the queries sent as POST as queries, every other write as a command', () => {
    const isQuery = queriesByPost([ThingsController]);
    const lane = (method: string, path: string) => laneOf({ method, baseUrl: '/v1', path }, isQuery);
    expect(['GET /things', 'HEAD /things/t1', 'POST /things/search', 'POST /things/t1/preview'].map((r) => lane(...(r.split(' ') as [string, string])))).toEqual(['query', 'query', 'query', 'query']);
    expect(['POST /things', 'PATCH /things/t1', 'DELETE /things/t1', 'POST /things/t1/archive', 'POST /things/search/'].map((r) => lane(...(r.split(' ') as [string, string])))).toEqual(Array(5).fill('command'));
  });

  it('finds the queries sent as POST where their routes are declared, path parameters included', () => {
    const isQuery = queriesByPost([ThingsController]);
    expect(['/v1/things/search', '/v1/things/t1/preview'].map(isQuery)).toEqual([true, true]);
    expect(['/v1/things', '/v1/things/t1/archive', '/v1/things/a/b/preview', '/v1/things/search/more', '/things/search'].map(isQuery)).toEqual([false, false, false, false, false]);
  });

  it('refuses a mark on a route that is not a POST', () => {
    @Controller('v1/odd')
    class OddController {
      @Get('list')
      @QueryByPost()
      list() {}
    }
    expect(() => queriesByPost([OddController])).toThrow('OddController.list is marked QueryByPost but is not a POST route');
  });
});
