import type { Request } from 'express';
import type { Roster, StaffMember } from '../../src/domain/roster.ts';
import { HttpError } from '../../src/http/http-errors.ts';
import { isSupervisor } from './visibility.ts';

export const READ_ONLY_REASON =
  'Slack or Teams is connected, so the team works items there, where every person is signed in. ' +
  'This page is a read-only mirror for leads and managers: it has no login, so it takes no actions and shows no message text.';

/**
 * Who the page is acting as. The sandbox has no login (it answers only this machine, see
 * `local-only.ts`); the roster still decides every permission, exactly as on Slack and Teams.
 */
export function viewerOf(req: Request, roster: Roster, readOnly: boolean): StaffMember {
  const key = req.query.as;
  if (typeof key !== 'string' || !key) {
    throw new HttpError(400, 'request.invalid', 'Say who you are acting as.', [{ path: 'as', message: 'required: a staff key from the roster' }]);
  }
  const viewer = roster.member(key);
  if (!viewer) throw new HttpError(400, 'request.invalid', 'Say who you are acting as.', [{ path: 'as', message: 'not a staff key on the roster' }]);
  if (readOnly && !isSupervisor(roster, viewer)) {
    throw new HttpError(403, 'sandbox.supervisors_only', `${READ_ONLY_REASON} ${viewer.name} is not a lead or manager.`);
  }
  return viewer;
}

/** The people the acting-as picker offers: everyone active, or only supervisors in the read-only mirror. */
export function pickable(roster: Roster, readOnly: boolean): StaffMember[] {
  return roster.staff.filter((s) => s.active && (!readOnly || isSupervisor(roster, s)));
}
