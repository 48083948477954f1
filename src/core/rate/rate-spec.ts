/** How fast a replay (or the sensor) emits flows: flows per second, a multiplier on the source's own time, or as fast as possible. */
export type RateSpec = { kind: 'flows'; perSecond: number } | { kind: 'speed'; multiplier: number } | { kind: 'max' };
