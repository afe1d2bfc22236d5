import { TaskTracker } from '../../../local/tasks';

describe('TaskTracker', () => {
  it('waits in idle() for tracked work, including work started meanwhile', async () => {
    const tasks = new TaskTracker();
    const done: string[] = [];
    tasks.track(
      tasks.sleep(1).then(() => {
        done.push('first');
        tasks.track(tasks.sleep(1).then(() => done.push('second')));
      }),
    );
    await tasks.idle();
    expect(done).toEqual(['first', 'second']);
  });

  it('cancels sleeps on close and refuses new ones', async () => {
    const tasks = new TaskTracker();
    const sleeping = tasks.sleep(600_000);
    await tasks.close();
    expect(await sleeping).toBe(false);
    expect(await tasks.sleep(1)).toBe(false);
    expect(tasks.closed).toBe(true);
  });

  it('keeps a failing task from rejecting idle()', async () => {
    const tasks = new TaskTracker();
    const failing = Promise.reject(new Error('boom'));
    tasks.track(failing);
    await expect(tasks.idle()).resolves.toBeUndefined();
    await expect(failing).rejects.toThrow('boom');
  });
});
