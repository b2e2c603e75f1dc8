import type { Mention } from '../../src/app/chat-adapter.ts';
import { mentionedStaff } from '../../src/app/notices.ts';
import type { Roster, StaffMember } from '../../src/domain/roster.ts';
import type { ConversationRefs } from './conversation-refs.ts';

/**
 * A Teams mention entity. Teams notifies whoever it names only when the entity's `text` is found,
 * verbatim, in a TextBlock of the card whose `msteams.entities` carry it. A team tag is
 * `mentioned.type: 'tag'` with the tag's id from Graph (`teams/{id}/tags`); without that type
 * Teams reads the id as a user's (MicrosoftDocs/msteams-docs PR #8650, "Bots can mention tag in
 * Adaptive Cards"; OfficeDev/Microsoft-Teams-Samples `bot-tag-mention`). Tag mentions notify on
 * desktop and web, not on Teams mobile, and not in DoD tenants.
 *
 * Baton's mentions always travel in an Adaptive Card, never in an activity's own `entities`:
 * botframework-connector serializes `Activity.entities[].mentioned` as a `ChannelAccount` (id,
 * name, aadObjectId, role, properties — `connectorApi/models/mappers.js`), which drops `type`,
 * so a tag mention sent that way reaches Teams as a user mention of an id that is no user.
 * Attachment content is sent as it is.
 */
export interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string; type?: 'tag' };
}

/** One person or tag a notice names: with an entity when Teams can notify them, else just by name. */
export interface MentionTarget {
  name: string;
  entity?: { id: string; type?: 'tag' };
}

/**
 * Who a notice names in Teams: the queue's tag; without one, the queue's lead(s); and the
 * `people` in any case. Staff only — a mention never carries patient data. A staff member without
 * a Teams id on the roster is named in plain text (nobody is notified for them).
 *
 * A user is mentioned by the Teams user id (`29:…`) when Baton has seen them (a click, the team's
 * member list at install): that is the id Teams documents for bot text messages. Otherwise by the
 * AAD object id, which Teams documents for mentions in cards (msteams-docs `cards-format.md`).
 */
export async function mentionTargets(m: Mention, roster: Roster, refs: ConversationRefs): Promise<MentionTarget[]> {
  const out: MentionTarget[] = [];
  const tag = m.queue ? roster.queue(m.queue)?.teamsTag : undefined;
  if (tag) out.push({ name: tag.name, entity: { id: tag.id, type: 'tag' } });
  for (const s of mentionedStaff(m, tag !== undefined)) out.push(await person(s, refs));
  return out;
}

async function person(s: StaffMember, refs: ConversationRefs): Promise<MentionTarget> {
  if (!s.teamsAadId) return { name: s.name };
  const member = await refs.member(s.teamsAadId);
  return { name: s.name, entity: { id: member?.id ?? s.teamsAadId } };
}

/** The mention line (`<at>Nurses</at>, <at>Dana Reyes, RN</at>, Jo Adams`) and its entities, for a card's TextBlock. */
export function mentionMarkup(targets: readonly MentionTarget[]): { line: string; entities: MentionEntity[] } {
  const entities: MentionEntity[] = [];
  const parts = targets.map((t) => {
    if (!t.entity) return t.name;
    const text = `<at>${t.name}</at>`;
    entities.push({ type: 'mention', text, mentioned: { id: t.entity.id, name: t.name, ...(t.entity.type ? { type: t.entity.type } : {}) } });
    return text;
  });
  return { line: parts.join(', '), entities };
}
