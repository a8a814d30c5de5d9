import type { MatchedEntity } from './entity-matchers.ts';

/** Process-wide state kept apart per matched entity, created on first use. */
export function perEntity<V>(create: () => V): (entity: MatchedEntity) => V {
  const states = new Map<MatchedEntity, V>();
  return (entity) => {
    let state = states.get(entity);
    if (state === undefined) {
      state = create();
      states.set(entity, state);
    }
    return state;
  };
}
