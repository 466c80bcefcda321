import type { Attendance, Majority, Quorum, VoteBasis } from './tables.ts';

/**
 * The council's rules as pure functions: who is a voting unit, whether enough of them are there, and
 * what the ballot decided. The service and the property test call these and nothing else.
 */

export interface RuleMember {
  id: string;
  householdId: string | null;
  attendance: Attendance;
}

/**
 * The voting unit a member votes for: her household under one-household-one-vote (members without a
 * household — the property company, an alliance unit, staff — take part but do not vote then), herself
 * under one-member-one-vote; null when she has no vote.
 */
export function voteKeyOf(basis: VoteBasis, member: { id: string; householdId: string | null }): string | null {
  if (basis === 'member') return member.id;
  return member.householdId;
}

/** The voting units of a council (`eligible`) and those present in person or by proxy (`present`). */
export function countUnits(basis: VoteBasis, members: readonly RuleMember[]): { eligible: number; present: number } {
  const eligible = new Set<string>();
  const present = new Set<string>();
  for (const m of members) {
    const key = voteKeyOf(basis, m);
    if (key === null) continue;
    eligible.add(key);
    if (m.attendance !== 'absent') present.add(key);
  }
  return { eligible: eligible.size, present: present.size };
}

/** More than half, or at least two thirds, of the voting units take part. */
export function hasQuorum(quorum: Quorum, eligible: number, present: number): boolean {
  if (eligible === 0) return false;
  return quorum === 'half' ? present * 2 > eligible : present * 3 >= eligible * 2;
}

/**
 * Adopted when enough of the units present say yes: more than half, or at least two thirds or three
 * quarters (abstentions and units present that did not vote count against, as they do on paper).
 */
export function isAdopted(majority: Majority, present: number, yes: number): boolean {
  if (present === 0) return false;
  if (majority === 'half') return yes * 2 > present;
  if (majority === 'two_thirds') return yes * 3 >= present * 2;
  return yes * 4 >= present * 3;
}

export interface Tally {
  yes: number;
  no: number;
  abstain: number;
}

/** The result of a ballot under the council's rules; `quorum: false` when too few took part to decide. */
export function decide(
  rules: { quorum: Quorum; majority: Majority },
  units: { eligible: number; present: number },
  tally: Tally,
): { hasQuorum: boolean; result: 'adopted' | 'rejected' } {
  const quorate = hasQuorum(rules.quorum, units.eligible, units.present);
  return {
    hasQuorum: quorate,
    result: quorate && isAdopted(rules.majority, units.present, tally.yes) ? 'adopted' : 'rejected',
  };
}
