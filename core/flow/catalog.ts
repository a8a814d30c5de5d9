import { flows } from '../../flows/registry.ts';
import { HubError } from '../errors/index.ts';
import type { Flow } from './define.ts';

export function listFlows(): Flow[] {
  return [...flows].sort((a, b) => a.name.localeCompare(b.name));
}

export function findFlow(name: string): Flow {
  const flow = flows.find((candidate) => candidate.name === name);
  if (!flow)
    throw new HubError(
      'not_found',
      'unknown_flow',
      `Unknown flow "${name}". Known: ${listFlows()
        .map((f) => f.name)
        .join(', ')}`,
    );
  return flow;
}

/** What the API and the CLI show of a flow. */
export function describeFlow(flow: Flow) {
  const { trigger } = flow;
  const triggerView =
    trigger.kind === 'change'
      ? { kind: 'change', entities: trigger.entities }
      : trigger.kind === 'cron'
        ? { kind: 'cron', cron: trigger.cron }
        : { kind: trigger.kind };
  return {
    name: flow.name,
    summary: flow.summary,
    trigger: triggerView,
    writesTo: flow.writesTo,
    steps: flow.steps.map((step) => step.name),
  };
}
