import type { types as S } from '@slack/bolt';
import type { AppContext } from '../../src/app/context.ts';
import { awayCommand, type AwayAnswer } from '../../src/app/away.ts';
import { cardForPerson } from '../../src/app/act-on-card.ts';
import type { QueueDef, StaffMember } from '../../src/domain/roster.ts';
import type { ItemState, WorkItem } from '../../src/domain/work-item.ts';
import { actionsBlock, answer, slackDate, type Block, type SlackMessage } from './blocks.ts';
import { cardOf, channelLink, itemLine, STATE_SHORT, unknownUserText } from './item-lines.ts';
import { LIMITS, mrkdwn, plain } from './limits.ts';
import { nextButtonBlock, nextItemAnswer, workloadSection } from './next-item.ts';

export { unknownUserText } from './item-lines.ts';

/**
 * The App Home tab ("Mine", "My queues", "Overdue", with the cards' buttons) and the `/baton` slash command. The Home tab
 * is not message content, so it shows item refs, categories and states only — no patient
 * tokens (Slack's HIPAA terms allow PHI in messages only). Slash answers are ephemeral
 * messages and may show the patient token, as the channel card does.
 */

const ACTIVE: ItemState[] = ['OPEN', 'CLAIMED', 'ESCALATED', 'SNOOZED'];

/** Queues this person sees counts for: the ones they work (managers: all). */
function visibleQueues(ctx: AppContext, staff: StaffMember): QueueDef[] {
  return ctx.roster.queuesOf(staff.key);
}

async function myItems(ctx: AppContext, staff: StaffMember): Promise<{ mine: WorkItem[]; pool: WorkItem[] }> {
  const mine = await ctx.store.listItems({ ownerId: staff.key, states: ['CLAIMED', 'ESCALATED', 'SNOOZED'], limit: 100 });
  const pool = staff.physician ? (await ctx.store.listItems({ states: ['ESCALATED'], limit: 200 })).filter((i) => i.ownerId === null) : [];
  return { mine, pool };
}

async function countsByQueue(ctx: AppContext): Promise<Map<string, Record<ItemState, number>>> {
  const m = new Map<string, Record<ItemState, number>>();
  for (const r of await ctx.store.countByQueueAndState()) {
    const c = m.get(r.queue) ?? { OPEN: 0, CLAIMED: 0, ESCALATED: 0, SNOOZED: 0, RESOLVED: 0 };
    c[r.state] += r.count;
    m.set(r.queue, c);
  }
  return m;
}

const countText = (c: Record<ItemState, number> | undefined) =>
  ACTIVE.map((s) => `${STATE_SHORT[s]} ${c?.[s] ?? 0}`).join(' · ');

function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: plain(text, LIMITS.sectionText) } };
}

function list(ctx: AppContext, items: WorkItem[], max: number, withPatient: boolean, empty: string): Block[] {
  if (!items.length) return [{ type: 'context', elements: [{ type: 'mrkdwn', text: empty }] }];
  const blocks = items.slice(0, max).map((i) => section(itemLine(ctx, i, withPatient)));
  if (items.length > max) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${items.length - max} more.` }] });
  return blocks;
}

/** The Home tab as published, and the items it shows (a change to one of them republishes it). */
export interface HomeRender {
  view: S.HomeView;
  items: string[];
}

/**
 * The Home tab's blocks within Slack's 100 (views.publish): each item is a line and its card's
 * buttons (two blocks); a section that runs out of room says how many more there are.
 */
class HomeBlocks {
  readonly blocks: Block[] = [];
  readonly items = new Set<string>();
  /** `staff`: whose Home this is; each item's buttons are the ones that person may use (`cardForPerson`). */
  constructor(private readonly ctx: AppContext, private readonly staff?: StaffMember) {}
  add(...b: Block[]) {
    this.blocks.push(...b);
  }
  /** Room for `n` more blocks, keeping one for a "…more" line. */
  room(n: number) {
    return this.blocks.length + n <= LIMITS.viewBlocks - 1;
  }
  header(text: string) {
    if (this.room(2)) this.add({ type: 'header', text: { type: 'plain_text', text: plain(text, LIMITS.headerText) } });
  }
  note(text: string) {
    if (this.blocks.length < LIMITS.viewBlocks) this.add({ type: 'context', elements: [{ type: 'mrkdwn', text: plain(text, LIMITS.sectionText) }] });
  }
  /** Items with their buttons; `part` keeps block ids unique when an item is in two sections. */
  itemsWithButtons(part: string, items: WorkItem[], max: number, empty: string) {
    if (!items.length) return this.note(empty);
    let shown = 0;
    for (const i of items.slice(0, max)) {
      if (!this.room(2)) break;
      const shared = cardOf(this.ctx, i);
      const card = this.staff ? cardForPerson(this.ctx, i, this.staff, shared) : shared;
      this.add(section(itemLine(this.ctx, i, false)));
      const actions = actionsBlock(card, `home:${part}:${card.itemId}:v${card.version}`);
      if (actions) this.add(actions);
      this.items.add(i.id);
      shown++;
    }
    if (items.length > shown) this.note(`…and ${items.length - shown} more.`);
  }
}

function deadlineOf(i: WorkItem): Date | null {
  return i.state === 'OPEN' ? i.claimDueAt : i.state === 'SNOOZED' ? null : i.resolveDueAt;
}

const byDeadline = (a: WorkItem, b: WorkItem) => (deadlineOf(a)?.getTime() ?? Infinity) - (deadlineOf(b)?.getTime() ?? Infinity);

/**
 * The Home tab for one Slack user: "Mine" (claimed by or escalated to them; physicians also the
 * pool), "My queues" (counts, the oldest unclaimed items of each queue they work and, for its
 * lead and managers, the oldest items with a physician) and
 * "Overdue" (past their response time, in their queues or theirs), each item with its card's
 * buttons. Not message content: refs, categories, states and staff names only.
 */
export async function homeView(ctx: AppContext, slackUserId: string): Promise<HomeRender> {
  const staff = ctx.roster.bySlackId(slackUserId);
  const h = new HomeBlocks(ctx, staff);
  h.add({ type: 'header', text: { type: 'plain_text', text: 'Baton' } });
  if (!staff) {
    h.add(section(mrkdwn(unknownUserText(slackUserId), LIMITS.sectionText)));
    return { view: { type: 'home', blocks: h.blocks }, items: [] };
  }
  const now = ctx.clock.now();
  const { mine, pool } = await myItems(ctx, staff);
  h.add({ type: 'context', elements: [{ type: 'mrkdwn', text: `${mrkdwn(staff.name, 200)} · updated ${slackDate(now)} · \`/baton help\` for commands` }] });
  const next = nextButtonBlock(ctx, staff);
  if (next) h.add(next);

  h.header(`Mine (${mine.length})`);
  h.itemsWithButtons('mine', mine, 12, 'Nothing is claimed by or escalated to you.');
  if (staff.physician) {
    h.header(`Physician pool (${pool.length})`);
    h.itemsWithButtons('pool', pool, 5, 'No escalation is waiting for a physician.');
  }

  const queues = visibleQueues(ctx, staff);
  const active: WorkItem[] = [];
  if (queues.length) {
    const counts = await countsByQueue(ctx);
    if (h.room(3)) h.add({ type: 'divider' });
    h.header('My queues');
    const workload = await workloadSection(ctx, queues.map((q) => q.key));
    if (workload && h.room(1)) h.add(workload);
    for (const q of queues) {
      const items = await ctx.store.listItems({ queue: q.key, states: ['OPEN', 'CLAIMED', 'ESCALATED'], limit: 500 });
      active.push(...items);
      if (!h.room(2)) continue;
      const link = channelLink(q.slackChannel);
      h.add(section(`*${mrkdwn(q.name, 100)}*${link ? ` ${link}` : ''} — ${countText(counts.get(q.key))}`));
      const open = items.filter((i) => i.state === 'OPEN').sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      h.itemsWithButtons(`queue:${q.key}`, open, 3, 'Nothing is waiting to be claimed.');
      // The queue channel's card of escalated work offers its team only View message (forQueueChannel):
      // a lead or manager who must step in (resolve, return, hand over) finds those items here, drawn for them.
      const escalated = ctx.roster.supervises(staff.key, q.key) ? items.filter((i) => i.state === 'ESCALATED' && i.ownerId !== staff.key) : [];
      if (escalated.length) h.itemsWithButtons(`escalated:${q.key}`, escalated.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()), 3, '');
    }
  }

  const seen = new Set<string>();
  const overdue = [...mine, ...active]
    .filter((i) => (seen.has(i.id) ? false : (seen.add(i.id), true)))
    .filter((i) => (deadlineOf(i)?.getTime() ?? Infinity) < now.getTime())
    .sort(byDeadline);
  if (h.room(3)) h.add({ type: 'divider' });
  h.header(`Overdue (${overdue.length})`);
  h.itemsWithButtons('overdue', overdue, 10, 'Nothing is past its response time.');
  return { view: { type: 'home', blocks: h.blocks.slice(0, LIMITS.viewBlocks) }, items: [...h.items] };
}

const HELP = (command: string) => {
  const cmd = mrkdwn(command, 40);
  return [
    `*${cmd} next* — claim the most urgent unclaimed item in your queues (oldest first)`,
    `*${cmd} mine* — items claimed by or escalated to you`,
    `*${cmd} queue &lt;name&gt;* — unclaimed items in a queue you work, oldest first`,
    `*${cmd} stats* — counts per queue, what is past its response time, and who holds how much`,
    `*${cmd} away until &lt;date&gt; [cover &lt;name&gt;]* — you are away (dates like 2026-12-24, fri, tomorrow 13:00, in your time zone; \`through\` a day to include it); your open items go to your cover or back to the queue, and no reminders or new work reach you`,
    `*${cmd} away off* — you are back · *${cmd} away* — how it stands · add *for &lt;name&gt;* to set it for someone in a queue you lead (managers: anyone)`,
    `*${cmd} help* — this list`,
    'Work the items from their cards in the queue channels or your Home tab. Answers here are visible only to you.',
  ].join('\n');
};

/** The away command's answer: its sentences, or every problem as a list, all escaped (names and dates are what someone typed). */
export function awayMessage(a: AwayAnswer, command: string): SlackMessage {
  if (a.ok) return answer(a.text);
  const head = a.code === 'away.invalid' ? 'Nothing was changed:' : a.code === 'away.not_authorized' ? 'Nothing was changed.' : '';
  const lines = a.problems.map((p) => (a.problems.length > 1 || a.code === 'away.invalid' ? `• ${p}` : p));
  const usage = a.code === 'away.invalid' ? `\nFor example: \`${command} away until fri cover Dr. Baker\`, \`${command} away off\`.` : '';
  const text = [head, ...lines].filter(Boolean).map((l) => mrkdwn(l, 500)).join('\n') + mrkdwn(usage, 300);
  return { text: 'Baton away: nothing was changed', blocks: [section(text)] };
}

function findQueue(ctx: AppContext, name: string): QueueDef | undefined {
  const n = name.trim().toLowerCase().replace(/^#/, '');
  return ctx.roster.queues.find((q) => q.key === n || q.name.toLowerCase() === n) ?? ctx.roster.queues.find((q) => q.name.toLowerCase().startsWith(n) || q.key.startsWith(n));
}

/** The private answer to `/baton <text>`. `onChange`: an item changed (`next` claimed one), so the outbox can deliver its card update now. */
export async function slashAnswer(ctx: AppContext, command: string, slackUserId: string, text: string, onChange?: () => void): Promise<SlackMessage> {
  const [verb = 'help', ...rest] = text.trim().split(/\s+/).filter(Boolean);
  const staff = ctx.roster.bySlackId(slackUserId);
  if (verb.toLowerCase() === 'help' || !verb) return { text: 'Baton commands', blocks: [section(HELP(command))] };
  if (!staff) return answer(unknownUserText(slackUserId));
  switch (verb.toLowerCase()) {
    case 'next': {
      if (rest.length) return answer(`${command} next takes nothing after it: it claims the most urgent, oldest unclaimed item in your queues.`);
      const r = await nextItemAnswer(ctx, slackUserId);
      if (r.claimed) onChange?.();
      return r.message;
    }
    case 'mine': {
      const { mine, pool } = await myItems(ctx, staff);
      const blocks: Block[] = [section(`*Your items (${mine.length})*`), ...list(ctx, mine, 30, true, 'Nothing is claimed by or escalated to you.')];
      if (staff.physician) blocks.push(section(`*Physician pool (${pool.length})*`), ...list(ctx, pool, 10, true, 'No escalation is waiting for a physician.'));
      return { text: `Your Baton items: ${mine.length}`, blocks: blocks.slice(0, LIMITS.messageBlocks) };
    }
    case 'queue': {
      const name = rest.join(' ');
      if (!name) return answer(`Which queue? ${command} queue <name>, one of: ${ctx.roster.queuesOf(staff.key).map((q) => q.key).join(', ') || '(none you work)'}`);
      const q = findQueue(ctx, name);
      if (!q) return answer(`There is no queue called “${name}”. Queues: ${ctx.roster.queues.map((x) => x.key).join(', ')}.`);
      if (!ctx.roster.queuesOf(staff.key).some((x) => x.key === q.key)) return answer(`You do not work the ${q.name} queue, so Baton does not list it for you.`);
      const open = await ctx.store.listItems({ queue: q.key, states: ['OPEN'], limit: 200 });
      const counts = (await countsByQueue(ctx)).get(q.key);
      const blocks: Block[] = [section(`*${mrkdwn(q.name, 100)}* — ${countText(counts)}`), ...list(ctx, open, 30, true, 'Nothing is waiting to be claimed.')];
      return { text: mrkdwn(`${q.name}: ${open.length} unclaimed`, 300), blocks: blocks.slice(0, LIMITS.messageBlocks) };
    }
    case 'stats': {
      const queues = visibleQueues(ctx, staff);
      const counts = await countsByQueue(ctx);
      const now = ctx.clock.now().getTime();
      const lines: string[] = [];
      for (const q of queues) {
        const active = await ctx.store.listItems({ queue: q.key, states: ['OPEN', 'CLAIMED', 'ESCALATED'], limit: 5000 });
        const late = active.filter((i) => (deadlineOf(i)?.getTime() ?? Infinity) < now).length;
        lines.push(`*${mrkdwn(q.name, 100)}*: ${countText(counts.get(q.key))} · past response time ${late}`);
      }
      const mine = await ctx.store.listItems({ ownerId: staff.key, states: ['CLAIMED', 'ESCALATED', 'SNOOZED'], limit: 500 });
      const blocks: Block[] = [section(`*Baton stats* — ${slackDate(ctx.clock.now())}`), section(lines.join('\n') || 'You do not work any queue.'), section(`Yours: ${mine.length} item(s)`)];
      const workload = await workloadSection(ctx, queues.map((q) => q.key));
      if (workload) blocks.push(workload);
      return { text: 'Baton stats', blocks };
    }
    case 'away':
      return awayMessage(await awayCommand(ctx, { actorKey: staff.key, platform: 'slack', text: rest.join(' ') }), command);
    default:
      return { text: 'Baton commands', blocks: [section(`I do not know “${mrkdwn(verb, 50)}”.\n${HELP(command)}`)] };
  }
}
