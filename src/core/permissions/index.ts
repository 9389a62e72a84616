/** The permission layer: what the agent may do without asking, what it must ask, what it may not do. */
export { decide } from './decide';
export { suggestRule } from './suggestRule';
export { validateRules } from './rules';
export { isReadOnlyCommand } from './readOnly';
export { splitCommand } from './splitCommand';
export type { PermissionContext, PermissionDecision, PermissionMode, PermissionRules } from './types';
