import type { CaseType } from '@casework/domain';
import { MAIN_AGENT, TEAM_KEYS, type TeamKey } from './demo-org.ts';
import { TOPICS } from './demo-texts.ts';
import type { CaseSpec, DemoTime, Ending } from './demo-plan.ts';
import type { Rng } from './demo-rng.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

type Later = (d: Date, ms: number) => Date;
type Script = {
  team: TeamKey;
  type: CaseType;
  created: Date;
  end: Date;
  owner?: string | null;
  ending: Ending;
  followers?: string[];
  byOwner?: boolean;
};

/** New, unowned cases in every team: four from today (one per channel) and two older ones. */
function queueScripts(rng: Rng, t: DemoTime, later: Later): Script[] {
  const queue: Record<TeamKey, CaseType[]> = {
    care: ['web_connect', 'email', 'phone', 'sms'],
    billing: ['email', 'web_connect', 'phone', 'platform'],
    tech: ['support_sdk', 'email', 'web_connect', 'platform'],
    enterprise: ['email', 'phone', 'platform', 'web_connect'],
  };
  const scripts: Script[] = [];
  for (const team of TEAM_KEYS) {
    queue[team].forEach((type, i) => {
      const created = t.today(0.12 + 0.22 * i);
      scripts.push({ team, type, created, end: later(created, rng.int(2, 30) * MIN), owner: null, ending: { status: 'new' } });
    });
    for (const daysAgo of [rng.int(1, 3), rng.int(4, 8)]) {
      const created = t.onDay(daysAgo, rng.next());
      scripts.push({
        team,
        type: queue[team][rng.int(0, 3)]!,
        created,
        end: later(created, rng.int(5, 120) * MIN),
        owner: null,
        ending: { status: 'new' },
      });
    }
  }
  return scripts;
}

/**
 * Cases placed on purpose, relative to now: the main agent's My Work page has something in
 * every section, and every team has new cases from today (and older ones) in its queue.
 */
export function scriptedSpecs(rng: Rng, t: DemoTime, customers: number): CaseSpec[] {
  const me = MAIN_AGENT;
  const later: Later = (d, ms) => new Date(Math.min(d.getTime() + ms, t.now.getTime() - MIN));
  const ready: Ending = { status: 'ready' };
  const scripts: Script[] = [
    // Active chats, started minutes ago.
    { team: 'care', type: 'web_connect', created: t.ago(14 * MIN), end: t.ago(9 * MIN), ending: ready },
    { team: 'tech', type: 'support_sdk', created: t.ago(38 * MIN), end: t.ago(21 * MIN), ending: ready },
    { team: 'tech', type: 'web_connect', created: t.ago(75 * MIN), end: t.ago(52 * MIN), ending: ready },
    // Ready to solve.
    { team: 'care', type: 'email', created: t.today(0.2), end: t.today(0.5), ending: ready },
    { team: 'tech', type: 'phone', created: t.today(0.6), end: t.today(0.8), ending: ready },
    { team: 'tech', type: 'email', created: t.onDay(1, 0.2), end: t.onDay(1, 0.45), ending: ready },
    { team: 'care', type: 'sms', created: t.onDay(2, 0.5), end: t.onDay(2, 0.7), ending: ready },
    { team: 'tech', type: 'platform', created: t.onDay(3, 0.1), end: t.onDay(3, 0.3), ending: ready, byOwner: true },
    // Waiting: tomorrow morning, in a few hours, no wake time, and one whose time passed (woken on start).
    {
      team: 'care',
      type: 'email',
      created: t.onDay(1, 0.6),
      end: t.onDay(1, 0.8),
      ending: { status: 'waiting', wakeAt: new Date(t.now.getTime() + 18 * HOUR) },
    },
    {
      team: 'tech',
      type: 'phone',
      created: t.ago(5 * HOUR),
      end: t.ago(4 * HOUR),
      ending: { status: 'waiting', wakeAt: new Date(t.now.getTime() + 3 * HOUR) },
    },
    { team: 'care', type: 'sms', created: t.onDay(4, 0.3), end: t.onDay(4, 0.6), ending: { status: 'waiting', wakeAt: null } },
    { team: 'tech', type: 'email', created: t.onDay(2, 0.2), end: t.onDay(2, 0.5), ending: { status: 'waiting', wakeAt: t.ago(2 * HOUR) } },
    // Solved today.
    { team: 'care', type: 'email', created: t.onDay(1, 0.9), end: t.today(0.3), ending: { status: 'resolved', resolution: 'completed' } },
    { team: 'tech', type: 'phone', created: t.today(0.1), end: t.today(0.4), ending: { status: 'resolved', resolution: 'completed' } },
    {
      team: 'care',
      type: 'web_connect',
      created: t.today(0.7),
      end: t.today(0.85),
      ending: { status: 'resolved', resolution: 'completed' },
    },
    // Colleagues' open cases the main agent follows (one outside her teams).
    { team: 'care', type: 'email', created: t.onDay(1, 0.3), end: t.onDay(1, 0.5), owner: 'jonas', ending: ready, followers: [me] },
    { team: 'tech', type: 'support_sdk', created: t.today(0.3), end: t.today(0.6), owner: 'priya', ending: ready, followers: [me] },
    {
      team: 'tech',
      type: 'email',
      created: t.onDay(2, 0.4),
      end: t.onDay(2, 0.9),
      owner: 'daniel',
      ending: { status: 'waiting', wakeAt: null },
      followers: [me],
    },
    { team: 'enterprise', type: 'phone', created: t.today(0.25), end: t.today(0.5), owner: 'sarah', ending: ready, followers: [me] },
    // Some history.
    {
      team: 'care',
      type: 'web_connect',
      created: t.onDay(5, 0.4),
      end: later(t.onDay(5, 0.4), 25 * MIN),
      ending: { status: 'rated', stars: 5 },
    },
    {
      team: 'tech',
      type: 'email',
      created: t.onDay(6, 0.1),
      end: t.onDay(6, 0.9),
      ending: { status: 'resolved', resolution: 'unresolved' },
    },
    // Spam the supervisors caught (listed under the Cases list's Spam filter, deleted after 30 days).
    { team: 'care', type: 'email', created: t.today(0.15), end: t.today(0.25), owner: null, ending: { status: 'spam' } },
    { team: 'billing', type: 'email', created: t.onDay(3, 0.5), end: t.onDay(3, 0.6), owner: null, ending: { status: 'spam' } },
  ];
  scripts.push(...queueScripts(rng, t, later));
  return scripts.map((s) => ({
    team: s.team,
    type: s.type,
    createdAt: s.created,
    endAt: new Date(Math.max(s.end.getTime(), s.created.getTime())),
    owner: s.owner === undefined ? me : s.owner,
    assignedBy: null,
    byOwner: s.byOwner ?? false,
    ending: s.ending,
    followers: s.followers ?? [],
    customer: rng.int(0, customers - 1),
    topic: rng.pick(TOPICS[s.team]),
    extraMessages: s.ending.status === 'new' ? rng.int(0, 1) : rng.int(1, 5),
  }));
}
