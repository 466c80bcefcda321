/** A receiver of signed case events, set up at an org unit: it hears of the cases under it. */
export interface WebhookSubscriberTable {
  id: string;
  name: string;
  url: string;
  /** the signing secret, encrypted with the PII key */
  secret_enc: string;
  /** comma-separated event types */
  events: string;
  org_id: string;
  org_path: string;
  is_active: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** One event for one subscriber, with its delivery state. */
export interface WebhookDeliveryTable {
  id: string;
  /** the county this row is stored with (db/county-key.ts, docs/scale.md): its case's (co-located with the case) */
  county_key: number;
  subscriber_id: string;
  event_id: string;
  event_type: string;
  case_id: string | null;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  claim_token: string | null;
  claimed_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export interface WebhookTables {
  webhook_subscribers: WebhookSubscriberTable;
  webhook_deliveries: WebhookDeliveryTable;
}
