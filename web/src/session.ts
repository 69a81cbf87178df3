// Who is signed in, and what their role may do (docs/API.md, "Roles").
import type { Role, User } from './types';

let current: User | null = null;

export function user(): User | null {
  return current;
}

export function setUser(u: User | null): void {
  current = u;
}

const has = (roles: Role[]) => (): boolean => current !== null && roles.includes(current.role);

export const can = {
  workQueue: has(['collector', 'supervisor', 'admin']),
  pay: has(['collector', 'supervisor', 'admin']),
  logCall: has(['collector', 'supervisor', 'admin']),
  addNote: has(['collector', 'supervisor', 'compliance', 'admin']),
  editContactPoints: has(['collector', 'supervisor', 'admin']),
  reveal: has(['supervisor', 'compliance', 'admin']),
  audit: has(['supervisor', 'compliance', 'admin']),
  listClients: has(['collector', 'supervisor', 'compliance', 'admin']),
  contactCheck: has(['collector', 'supervisor', 'compliance', 'admin']),
  // Logging a contact the compliance engine refuses (flagged for compliance review).
  overrideCompliance: has(['supervisor', 'admin']),
  addEvent: has(['collector', 'supervisor', 'compliance', 'admin']),
  rules: has(['supervisor', 'compliance', 'admin']),
  // Choosing the itemization date basis (PUT …/itemization).
  setItemization: has(['supervisor', 'compliance', 'admin']),
  editRules: has(['admin']),
  // Plans, settlements, financial statements, extension requests (docs/API.md).
  arrange: has(['collector', 'supervisor', 'compliance', 'admin']),
  // The approvals inbox: read by supervisors, compliance and admins ...
  approvals: has(['supervisor', 'compliance', 'admin']),
  // ... decided by supervisors and admins.
  decide: has(['supervisor', 'admin']),
  // Collection strategies and the batch's queues: read by supervisors, compliance and
  // admins ...
  strategies: has(['supervisor', 'compliance', 'admin']),
  queues: has(['supervisor', 'compliance', 'admin']),
  // ... saved and assigned (champion / challenger) by supervisors and admins.
  editStrategies: has(['supervisor', 'admin']),
  // Letters: staff file inbound correspondence, mark mail returned and preview a
  // template for an account; supervisors and compliance reclassify an item; the
  // Letters page (templates, agency profile) is read by supervisors and compliance
  // and edited by admins.
  fileCorrespondence: has(['collector', 'supervisor', 'compliance', 'admin']),
  markReturned: has(['collector', 'supervisor', 'compliance', 'admin']),
  previewLetters: has(['collector', 'supervisor', 'compliance', 'admin']),
  classifyCorrespondence: has(['supervisor', 'compliance', 'admin']),
  letters: has(['supervisor', 'compliance', 'admin']),
  editLetters: has(['admin']),
};

/** Where a user lands after signing in. */
export function homeRoute(): string {
  return can.workQueue() ? '#/work' : '#/accounts';
}
