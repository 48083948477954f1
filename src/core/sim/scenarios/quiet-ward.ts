import type { Scenario } from '../scenario';

export const quietWard: Scenario = {
  id: 'quiet-ward',
  name: 'A quiet ward',
  description: 'One night hour on a 35-device ward: monitors, pumps, wearables and nurse stations, and no attack at all.',
  startHour: 22,
  durationS: 3600,
  ward: { monitors: 12, pumps: 12, wearables: 8, nurseStations: 3 },
  episodes: [],
};
