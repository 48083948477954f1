import type { Scenario } from '../scenario';
import { mixedDay } from './mixed-day';
import { mqttBrokerDdos } from './mqtt-broker-ddos';
import { quietWard } from './quiet-ward';
import { slowRecon } from './slow-recon';

/** The scenarios shipped with the lab, by id. */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  'mixed-day': mixedDay,
  'quiet-ward': quietWard,
  'mqtt-broker-ddos': mqttBrokerDdos,
  'slow-recon': slowRecon,
};

/** what the lab opens with: every family within two minutes */
export const DEFAULT_SCENARIO = 'mixed-day';

/** id and one-line description of each scenario, the default first */
export const SCENARIO_LIST: { id: string; name: string; description: string }[] = Object.values(SCENARIOS).map(({ id, name, description }) => ({
  id,
  name,
  description,
}));

export function scenarioById(id: string): Scenario {
  const s = Object.hasOwn(SCENARIOS, id) ? SCENARIOS[id] : undefined;
  if (!s) throw new Error(`there is no scenario "${id}" (known: ${Object.keys(SCENARIOS).join(', ')})`);
  return s;
}
