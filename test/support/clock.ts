import type { Clock } from '../../shared/core/clock';

/** A clock that only moves when told: time travel for schedules measured in minutes and hours. */
export const manualClock = (start = new Date()) => {
  let now = start.getTime();
  const clock: Clock = () => new Date(now);
  return Object.assign(clock, {
    advance(seconds: number) {
      now += seconds * 1000;
    },
  });
};
