/**
 * Key conversion between typetorch's camelCase option names (`weightDecay`, `initialLr`) and the
 * snake_case names PyTorch writes into state dicts (`weight_decay`, `initial_lr`).
 *
 * @module
 */

/** `weightDecay` → `weight_decay`, `TMax` → `T_max` (a leading capital stays, as in PyTorch's `T_max`). */
export function toSnakeCase(name: string): string {
  return name.replace(/(?<=.)([A-Z])/g, (_m, c: string) => `_${c.toLowerCase()}`);
}

/** `weight_decay` → `weightDecay`, `T_max` → `TMax`; names without underscores stay as they are. */
export function toCamelCase(name: string): string {
  return name.replace(/_([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
}
