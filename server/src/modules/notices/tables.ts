/** 说文解策: a notice, sent once to the households its audience selected (service.ts). */
export interface NoticeTable {
  id: string;
  /** the unit it was sent from; its audience lies at or under it */
  org_id: string;
  org_path: string;
  title: string;
  body: string;
  /** the plain-words explainer (说文解策) */
  explainer: string | null;
  /** the audience as asked (JSON of NoticeAudience) */
  audience: string;
  /** after this many days unread, the household is handed to its grid worker as a visit; null: never */
  follow_up_days: number | null;
  households: number;
  accounts: number;
  sent_by: string;
  sent_by_name: string;
  sent_at: string;
  /** when the unread households were handed to grid workers */
  followed_up_at: string | null;
}

export interface NoticeAttachmentTable {
  id: string;
  notice_id: string;
  name: string;
  mime: string;
  size: number;
  data: Buffer;
  position: number;
}

export interface NoticeHouseholdTable {
  notice_id: string;
  /** the county this row is stored with (db/county-key.ts, docs/scale.md): its `org_path`'s, the household's place when sent */
  county_key: number;
  household_id: string;
  org_path: string;
  /** resident accounts bound to the household when it was sent (who was told) */
  accounts: number;
  /** when someone in the household first read it */
  read_at: string | null;
}

export interface NoticeReadTable {
  notice_id: string;
  /** the county this row is stored with (db/county-key.ts, docs/scale.md): its household receipt's */
  county_key: number;
  user_id: string;
  household_id: string;
  read_at: string;
}

/** Staff reached by their role (every 网格员 of the audience's units): one row per account, her read receipt. */
export interface NoticeAccountTable {
  notice_id: string;
  /** the county this row is stored with (db/county-key.ts, docs/scale.md): its `org_path`'s, the role's unit */
  county_key: number;
  user_id: string;
  name: string;
  /** the staff role that put her in the audience (AUDIENCE_ROLES) */
  role: string;
  /** the unit of that role assignment */
  org_id: string;
  org_path: string;
  read_at: string | null;
}

export interface NoticeQuestionTable {
  id: string;
  notice_id: string;
  org_path: string;
  household_id: string | null;
  asked_by: string;
  body: string;
  asked_at: string;
  answer: string | null;
  /** 1: the answer is in the notice's FAQ for everyone it went to; 0: to the asker alone */
  is_public: number;
  answered_by: string | null;
  answered_by_name: string | null;
  answered_at: string | null;
  /** the case the question became */
  case_id: string | null;
}

export interface NoticeTables {
  notices: NoticeTable;
  notice_attachments: NoticeAttachmentTable;
  notice_households: NoticeHouseholdTable;
  notice_reads: NoticeReadTable;
  notice_accounts: NoticeAccountTable;
  notice_questions: NoticeQuestionTable;
}
