export const VOTE_BASES = ['household', 'member'] as const;
export type VoteBasis = (typeof VOTE_BASES)[number];
/** more than half, or at least two thirds, of the voting units take part */
export const QUORUMS = ['half', 'two_thirds'] as const;
export type Quorum = (typeof QUORUMS)[number];
/** of the voting units present: more than half, at least two thirds, at least three quarters say yes */
export const MAJORITIES = ['half', 'two_thirds', 'three_quarters'] as const;
export type Majority = (typeof MAJORITIES)[number];

export const MEMBER_KINDS = ['resident_rep', 'property_company', 'alliance_unit', 'party_committee', 'staff'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];

export const TOPIC_STATUSES = ['open', 'agenda', 'lapsed', 'declined', 'adopted', 'rejected'] as const;
export type TopicStatus = (typeof TOPIC_STATUSES)[number];

export const MEETING_STATUSES = ['planned', 'held', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export const ATTENDANCE = ['present', 'proxy', 'absent'] as const;
export type Attendance = (typeof ATTENDANCE)[number];

export const BALLOTS = ['open', 'secret'] as const;
export type Ballot = (typeof BALLOTS)[number];

export const CHOICES = ['yes', 'no', 'abstain'] as const;
export type Choice = (typeof CHOICES)[number];

export interface CouncilTable {
  id: string;
  org_id: string;
  org_path: string;
  name: string;
  vote_basis: VoteBasis;
  quorum: Quorum;
  majority: Majority;
  support_threshold: number;
  support_days: number;
  created_at: string;
}

export interface CouncilMemberTable {
  id: string;
  council_id: string;
  org_path: string;
  kind: MemberKind;
  name: string;
  organization: string | null;
  household_id: string | null;
  user_id: string | null;
  created_at: string;
  left_at: string | null;
}

export interface CouncilTopicTable {
  id: string;
  council_id: string;
  org_path: string;
  title: string;
  body: string;
  proposer_kind: 'resident' | 'staff';
  proposer_user_id: string;
  proposer_name: string;
  proposer_household_id: string | null;
  status: TopicStatus;
  threshold: number;
  support_until: string;
  created_at: string;
  closed_at: string | null;
  close_reason: string | null;
}

export interface CouncilTopicSupportTable {
  topic_id: string;
  household_id: string;
  user_id: string;
  via: 'phone' | 'staff';
  created_at: string;
}

export interface CouncilMeetingTable {
  id: string;
  council_id: string;
  org_path: string;
  title: string;
  place: string;
  starts_at: string;
  status: MeetingStatus;
  minutes: string | null;
  held_at: string | null;
  created_at: string;
}

export interface CouncilAgendaItemTable {
  meeting_id: string;
  topic_id: string;
  position: number;
  ballot: Ballot;
  yes_total: number | null;
  no_total: number | null;
  abstain_total: number | null;
}

export interface CouncilAttendanceTable {
  meeting_id: string;
  member_id: string;
  status: Attendance;
  proxy_name: string | null;
  recorded_at: string;
}

export interface CouncilVoteTable {
  id: string;
  meeting_id: string;
  topic_id: string;
  member_id: string;
  vote_key: string;
  choice: Choice;
  created_at: string;
}

export interface CouncilPhotoTable {
  id: string;
  meeting_id: string;
  mime: string;
  data: Buffer;
  created_at: string;
}

export interface CouncilDecisionTable {
  id: string;
  council_id: string;
  org_path: string;
  meeting_id: string;
  topic_id: string;
  title: string;
  resolution: string;
  result: 'adopted' | 'rejected';
  eligible: number;
  present: number;
  yes: number;
  no: number;
  abstain: number;
  owners_fen: number | null;
  subsidy_fen: number | null;
  company_fen: number | null;
  is_public: number;
  decided_at: string;
  decided_by_name: string;
}

export interface CouncilMilestoneTable {
  id: string;
  decision_id: string;
  org_path: string;
  title: string;
  owner_name: string;
  due_date: string;
  case_id: string | null;
  task_id: string | null;
  done_at: string | null;
  created_at: string;
}

export interface CouncilTables {
  councils: CouncilTable;
  council_members: CouncilMemberTable;
  council_topics: CouncilTopicTable;
  council_topic_supports: CouncilTopicSupportTable;
  council_meetings: CouncilMeetingTable;
  council_agenda_items: CouncilAgendaItemTable;
  council_attendance: CouncilAttendanceTable;
  council_votes: CouncilVoteTable;
  council_photos: CouncilPhotoTable;
  council_decisions: CouncilDecisionTable;
  council_milestones: CouncilMilestoneTable;
}
