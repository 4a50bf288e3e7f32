import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/** The checkout the built benchmarks run from (dist/bench/kit → the root). */
export const ROOT = resolve(__dirname, '..', '..', '..');

/** A command's stdout; a failure carries its stderr. */
export const run = (file: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) =>
  new Promise<string>((resolveRun, reject) => {
    execFile(file, args, { cwd: ROOT, env: options.env ?? process.env, timeout: options.timeoutMs ?? 0, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolveRun(`${stdout}`);
    });
  });

interface Step {
  name: string;
  fn: () => Promise<unknown>;
}

/** Cleanup steps, run last-in first-out at the end (or on a signal); a step can also be run early. */
export class Cleanup {
  private readonly steps: Step[] = [];

  add(name: string, fn: () => Promise<unknown>): () => Promise<void> {
    const step = { name, fn };
    this.steps.push(step);
    return async () => {
      const i = this.steps.indexOf(step);
      if (i < 0) return;
      this.steps.splice(i, 1);
      await this.runStep(step);
    };
  }

  private async runStep(step: Step) {
    try {
      await step.fn();
    } catch (error) {
      console.error(`cleanup: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async all() {
    while (this.steps.length > 0) await this.runStep(this.steps.pop()!);
  }
}
