import type { Rule } from './rules';
import type { PermissionDecision } from './types';

/** Decision builders, so every reason names the rule that decided when there is one. */

export const allow = (reason: string, rule?: Rule): PermissionDecision => ({ behavior: 'allow', reason, ...(rule && { rule: rule.text }) });
export const ask = (reason: string, rule?: Rule): PermissionDecision => ({ behavior: 'ask', reason, ...(rule && { rule: rule.text }) });
export const deny = (reason: string, rule?: Rule): PermissionDecision => ({ behavior: 'deny', reason, ...(rule && { rule: rule.text }) });
