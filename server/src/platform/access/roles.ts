/** Every permission the platform knows. Modules add theirs here. */
export const PERMISSIONS = [
  'org.read',
  'org.manage',
  'user.read',
  'user.manage',
  'role.grant',
  'audit.read',
  'pii.reveal',
  'apikey.own',
  'resident.read',
  'resident.write',
  'resident.import',
  'resident.export',
  'caretag.manage',
  'case.read',
  'case.intake',
  'case.handle',
  'case.supervise',
  'case.report',
  'duty.manage',
  'party.read',
  'party.manage',
  'visit.record',
  'visit.read',
  'visit.manage',
  'linkage.manage',
  'household.change.apply',
  'insight.read',
  'report.template',
  'report.generate',
  'task.send',
  'task.read',
  'task.review',
  'webhook.manage',
  'canteen.read',
  'canteen.manage',
  'notice.send',
  'notice.read',
  'fund.read',
  'fund.manage',
  'property.manage',
  'council.manage',
  'points.manage',
  'volunteer.manage',
  'venue.manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_IDS = [
  'admin',
  'district',
  'street',
  'community_secretary',
  'community_staff',
  'grid_worker',
  'department',
  'resident',
  'canteen_clerk',
] as const;

export type RoleId = (typeof ROLE_IDS)[number];

export interface RoleDefinition {
  id: RoleId;
  name_zh: string;
  name_en: string;
  permissions: readonly Permission[];
  /**
   * Permissions the role holds over its unit's parent and everything under it, not only its own unit:
   * a department (职能部门, a unit under its district) serves the whole district.
   */
  heldOverParent?: readonly Permission[];
}

const MANAGER: Permission[] = [
  'org.read',
  'org.manage',
  'user.read',
  'user.manage',
  'role.grant',
  'audit.read',
  'apikey.own',
];
const REGISTRY_KEEPER: Permission[] = ['resident.read', 'resident.write', 'resident.import', 'resident.export'];
/** 党组织, 双报到, 党建联盟 (modules/party) for those who keep a unit's party work. */
const PARTY_KEEPER: Permission[] = ['party.read', 'party.manage'];
const CASE_HANDLER: Permission[] = ['case.read', 'case.intake', 'case.handle'];
const CASE_OVERSEER: Permission[] = [...CASE_HANDLER, 'case.supervise'];
/** 大数据 and 一表通 for those who oversee units; 准入 review and sending tasks down for streets and districts. */
const INSIGHT_OVERSEER: Permission[] = [
  'insight.read',
  'report.template',
  'report.generate',
  'task.read',
  'task.review',
  'task.send',
];

/** 说文解策 notices (issue 15): send them to households, follow up the unread, answer questions. */
const NOTICE_SENDER: Permission[] = ['notice.send', 'notice.read'];
const FIELDWORK_KEEPER: Permission[] = [
  'visit.record',
  'visit.read',
  'visit.manage',
  'linkage.manage',
  'household.change.apply',
  // 党群服务中心: rooms, bookings, activities (issue 13)
  'venue.manage',
  // 积分, 积分超市 and volunteering (issue 14): rules, events, store, activities, hours
  'points.manage',
  'volunteer.manage',
];

/** 物业资金 and property companies (issue 15): compound funds' ledgers, levies, contracts. */
const FUND_KEEPER: Permission[] = ['fund.read', 'fund.manage', 'property.manage'];

/** 议事 councils (issue 15): topics, meetings, votes, decisions and their follow-up. */
const COUNCIL_KEEPER: Permission[] = ['council.manage'];

/** Roles are named sets of permissions; an assignment binds one to an org unit and its subtree. */
export const ROLES: Record<RoleId, RoleDefinition> = {
  admin: { id: 'admin', name_zh: '系统管理员', name_en: 'Administrator', permissions: PERMISSIONS },
  district: {
    id: 'district',
    name_zh: '区县工作人员',
    name_en: 'District staff',
    // 12345 and 一网统管 are connected per district: its staff set up the webhook subscribers
    permissions: [
      ...NOTICE_SENDER,
      ...MANAGER,
      ...REGISTRY_KEEPER,
      ...CASE_OVERSEER,
      ...FIELDWORK_KEEPER,
      ...FUND_KEEPER,
      ...INSIGHT_OVERSEER,
      'webhook.manage',
      // a street or district appoints the communities' canteen clerks and staff, so it holds what they hold
      'canteen.read',
      'canteen.manage',
      ...PARTY_KEEPER,
      ...COUNCIL_KEEPER,
    ],
  },
  street: {
    id: 'street',
    name_zh: '街道/乡镇工作人员',
    name_en: 'Street/town staff',
    permissions: [
      ...NOTICE_SENDER,
      ...MANAGER,
      ...REGISTRY_KEEPER,
      ...CASE_OVERSEER,
      ...FIELDWORK_KEEPER,
      ...FUND_KEEPER,
      ...INSIGHT_OVERSEER,
      'canteen.read',
      'canteen.manage',
      ...PARTY_KEEPER,
      ...COUNCIL_KEEPER,
    ],
  },
  community_secretary: {
    id: 'community_secretary',
    name_zh: '社区书记',
    name_en: 'Community secretary',
    permissions: [
      ...NOTICE_SENDER,
      ...MANAGER,
      ...REGISTRY_KEEPER,
      ...CASE_HANDLER,
      ...FIELDWORK_KEEPER,
      ...FUND_KEEPER,
      ...PARTY_KEEPER,
      'pii.reveal',
      'caretag.manage',
      'insight.read',
      'report.template',
      'report.generate',
      'task.read',
      'canteen.read',
      'canteen.manage',
      ...COUNCIL_KEEPER,
    ],
  },
  community_staff: {
    id: 'community_staff',
    name_zh: '社区工作者',
    name_en: 'Community staff',
    permissions: [
      ...NOTICE_SENDER,
      'org.read',
      'user.read',
      'apikey.own',
      ...REGISTRY_KEEPER,
      ...PARTY_KEEPER,
      ...CASE_HANDLER,
      ...FIELDWORK_KEEPER,
      ...FUND_KEEPER,
      'insight.read',
      'report.generate',
      'task.read',
      'canteen.read',
      'canteen.manage',
      ...COUNCIL_KEEPER,
    ],
  },
  grid_worker: {
    id: 'grid_worker',
    name_zh: '网格员',
    name_en: 'Grid worker',
    permissions: [
      'org.read',
      'apikey.own',
      'resident.read',
      'case.read',
      'case.intake',
      'visit.record',
      'visit.read',
      'notice.read',
      'insight.read',
    ],
  },
  department: {
    id: 'department',
    name_zh: '职能部门',
    name_en: 'Department',
    permissions: [
      'org.read',
      'apikey.own',
      'case.read',
      'case.handle',
      'insight.read',
      'report.template',
      'report.generate',
      'task.send',
    ],
    // 安宁区民政局 builds a template and generates it for every street and community of 安宁区
    heldOverParent: ['org.read', 'report.generate'],
  },
  resident: { id: 'resident', name_zh: '居民', name_en: 'Resident', permissions: ['case.report'] },
  /** 幸福食堂 clerk: menus, diners, orders on their behalf, top-ups, delivery and meal-time sign-in, and nothing else */
  canteen_clerk: {
    id: 'canteen_clerk',
    name_zh: '食堂管理员',
    name_en: 'Canteen clerk',
    permissions: ['org.read', 'canteen.read', 'canteen.manage'],
  },
};

export function isRoleId(value: string): value is RoleId {
  return (ROLE_IDS as readonly string[]).includes(value);
}
