/** A sign-in code sent by SMS: only a keyed hash of it is kept. */
export interface SmsCodeTable {
  id: string;
  phone_bidx: string;
  code_hash: string;
  status: 'live' | 'used' | 'void';
  ip: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** A wrong code entered for a number: five within the lock window lock the number. */
export interface SmsCodeFailureTable {
  id: string;
  phone_bidx: string;
  at: string;
  ip: string | null;
}

/** A resident's own account (a `users` row with the resident role) and how she signs in. */
export interface ResidentAccountTable {
  user_id: string;
  phone_bidx: string | null;
  wechat_openid_bidx: string | null;
  wechat_openid_enc: string | null;
  created_at: string;
}

export type BindingStatus = 'pending' | 'bound' | 'rejected' | 'ended';
export type BindingMatch = 'exact' | 'phone_differs' | 'phone_absent';

/** Her account bound to a registry resident and household, at once or after her community confirms. */
export interface ResidentBindingTable {
  id: string;
  user_id: string;
  resident_id: string;
  household_id: string;
  org_path: string;
  status: BindingStatus;
  match: BindingMatch;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
  decided_by_name: string | null;
  decision_note: string | null;
  ended_at: string | null;
  ended_by_name: string | null;
}

export interface ResidentTables {
  sms_codes: SmsCodeTable;
  sms_code_failures: SmsCodeFailureTable;
  resident_accounts: ResidentAccountTable;
  resident_bindings: ResidentBindingTable;
}
