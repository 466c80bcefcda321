export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  phone_enc: string | null;
  phone_bidx: string | null;
  password_hash: string;
  must_change_password: number;
  is_disabled: number;
  locked_until: string | null;
  /** the unit the user was created under; decides who may see and manage her */
  home_org_id: string;
  home_org_path: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface RoleAssignmentTable {
  id: string;
  user_id: string;
  role: string;
  org_id: string;
  org_path: string;
  created_by: string | null;
  created_at: string;
}

export interface ApiKeyTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface UserTables {
  users: UserTable;
  role_assignments: RoleAssignmentTable;
  api_keys: ApiKeyTable;
}

export interface SessionTable {
  /** sha256 of the cookie token; the token itself is never stored */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginFailureTable {
  id: string;
  user_id: string;
  at: string;
  ip: string | null;
}

export interface AccountTables extends UserTables {
  sessions: SessionTable;
  login_failures: LoginFailureTable;
}
