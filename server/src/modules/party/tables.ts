/** 党委 / 党总支 / 党支部 / 党小组 */
export const PARTY_ORG_KINDS = ['committee', 'general_branch', 'branch', 'group'] as const;
export type PartyOrgKind = (typeof PARTY_ORG_KINDS)[number];

/** 书记 / 副书记 / 委员 / 小组长 / 党员 */
export const MEMBER_DUTIES = ['secretary', 'deputy', 'committee', 'group_leader', 'member'] as const;
export type MemberDuty = (typeof MEMBER_DUTIES)[number];

export const DUAL_STATES = ['pending', 'confirmed', 'refused', 'ended'] as const;
export type DualState = (typeof DUAL_STATES)[number];

export const HOURS_STATES = ['logged', 'confirmed', 'rejected'] as const;
export type HoursState = (typeof HOURS_STATES)[number];

/** 企业 / 机关事业单位 / 学校 / 医院 / 社会组织 / 其他 */
export const UNIT_KINDS = ['enterprise', 'institution', 'school', 'hospital', 'social_org', 'other'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const NEED_STATES = ['open', 'matched', 'closed'] as const;
export const RESOURCE_STATES = ['available', 'withdrawn'] as const;
export const PROJECT_STATES = ['planned', 'in_progress', 'done', 'cancelled'] as const;
export type ProjectState = (typeof PROJECT_STATES)[number];

export interface PartyOrgTable {
  id: string;
  /** the org unit it is attached to (a street's 党委, a village's 党支部, a 村民小组's 党小组) */
  org_id: string;
  org_path: string;
  parent_id: string | null;
  kind: PartyOrgKind;
  name: string;
  created_by: string | null;
  created_at: string;
}

export interface PartyMemberTable {
  id: string;
  party_org_id: string;
  /** the party organisation's unit path */
  org_path: string;
  /** a member from the registry */
  resident_id: string | null;
  /** or a member from a partner (alliance) unit */
  alliance_unit_id: string | null;
  name: string;
  duty: MemberDuty;
  status: 'active' | 'ended';
  joined_on: string | null;
  created_by: string | null;
  created_at: string;
  ended_at: string | null;
}

export interface ServicePostTable {
  id: string;
  org_id: string;
  org_path: string;
  name: string;
  description: string | null;
  is_active: number;
  created_at: string;
}

export interface DualRegistrationTable {
  id: string;
  /** the account that registered (a resident signed in on her phone) */
  user_id: string;
  resident_id: string | null;
  /** the community she registers with (where she lives) */
  org_id: string;
  org_path: string;
  name: string;
  /** her work unit (单位), which registers with the community too */
  work_unit: string;
  alliance_unit_id: string | null;
  party_org_name: string | null;
  skills: string | null;
  status: DualState;
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
}

export interface DualRegistrationPostTable {
  registration_id: string;
  post_id: string;
  created_at: string;
}

/** A case the community opens to volunteers (双报到 members claim it; one claim each). */
export interface VolunteerCaseOpeningTable {
  id: string;
  case_id: string;
  org_id: string;
  org_path: string;
  title: string;
  help_wanted: string;
  opened_by: string;
  opened_at: string;
  claimed_by: string | null;
  registration_id: string | null;
  claimed_at: string | null;
  closed_at: string | null;
}

export interface ServiceHoursTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts: shard and partition key, docs/scale.md) */
  county_key: number;
  registration_id: string;
  user_id: string;
  org_path: string;
  /** 'post' (a service post), 'case' (an opened case), 'need' (a volunteering need of module volunteering) */
  source_kind: 'post' | 'case' | 'need';
  source_id: string;
  served_on: string;
  minutes: number;
  note: string | null;
  status: HoursState;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
}

export interface AllianceTable {
  id: string;
  /** the street or community whose 党建联盟 it is */
  org_id: string;
  org_path: string;
  name: string;
  created_by: string | null;
  created_at: string;
}

export interface AllianceUnitTable {
  id: string;
  alliance_id: string;
  org_path: string;
  name: string;
  kind: UnitKind;
  contact_name: string | null;
  status: 'active' | 'left';
  joined_at: string;
  left_at: string | null;
}

/** 大党委 part-time member (兼职委员) from a member unit. */
export interface AllianceCouncilMemberTable {
  id: string;
  alliance_id: string;
  org_path: string;
  unit_id: string;
  name: string;
  post: string;
  created_at: string;
  ended_at: string | null;
}

export interface AllianceNeedTable {
  id: string;
  alliance_id: string;
  org_path: string;
  title: string;
  description: string | null;
  status: (typeof NEED_STATES)[number];
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface AllianceResourceTable {
  id: string;
  alliance_id: string;
  org_path: string;
  unit_id: string;
  title: string;
  description: string | null;
  status: (typeof RESOURCE_STATES)[number];
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface AllianceProjectTable {
  id: string;
  alliance_id: string;
  org_path: string;
  title: string;
  description: string | null;
  owner_unit_id: string | null;
  owner_name: string;
  need_id: string | null;
  resource_id: string | null;
  status: ProjectState;
  version: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  done_at: string | null;
}

export interface AllianceMilestoneTable {
  id: string;
  project_id: string;
  position: number;
  title: string;
  due_on: string | null;
  done_at: string | null;
}

/** A resident the registry declares 党员 whose place has no party organisation yet: offered to staff. */
export interface PartyCandidateTable {
  resident_id: string;
  /** her household's place */
  org_path: string;
  name: string;
  source: 'registry' | 'import' | 'tag';
  created_at: string;
}

export interface PartyTables {
  party_orgs: PartyOrgTable;
  party_members: PartyMemberTable;
  party_candidates: PartyCandidateTable;
  service_posts: ServicePostTable;
  dual_registrations: DualRegistrationTable;
  dual_registration_posts: DualRegistrationPostTable;
  volunteer_case_openings: VolunteerCaseOpeningTable;
  service_hours: ServiceHoursTable;
  alliances: AllianceTable;
  alliance_units: AllianceUnitTable;
  alliance_council_members: AllianceCouncilMemberTable;
  alliance_needs: AllianceNeedTable;
  alliance_resources: AllianceResourceTable;
  alliance_projects: AllianceProjectTable;
  alliance_milestones: AllianceMilestoneTable;
}
