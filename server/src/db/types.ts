import type { AuditTables } from '../platform/audit/tables.ts';
import type { PiiTables } from '../platform/pii/tables.ts';

import type { OrgTables } from '../modules/orgs/tables.ts';
import type { AccountTables } from '../modules/users/tables.ts';
import type { RegistryTables } from '../modules/registry/tables.ts';
import type { DutyTables } from '../modules/duties/tables.ts';
import type { CaseTables } from '../modules/cases/tables.ts';
import type { InsightTables } from '../modules/insights/tables.ts';
import type { ReportTables } from '../modules/reports/tables.ts';
import type { TaskTables } from '../modules/tasks/tables.ts';
import type { FieldworkTables } from '../modules/fieldwork/tables.ts';
import type { MessageTables } from '../modules/messages/tables.ts';
import type { ResidentTables } from '../modules/residents/tables.ts';
import type { WebhookTables } from '../modules/webhooks/tables.ts';
import type { VenueTables } from '../modules/venues/tables.ts';
import type { FundTables } from '../modules/funds/tables.ts';
import type { PartyTables } from '../modules/party/tables.ts';
import type { NoticeTables } from '../modules/notices/tables.ts';
import type { CouncilTables } from '../modules/councils/tables.ts';
import type { PointsTables } from '../modules/points/tables.ts';
import type { VolunteeringTables } from '../modules/volunteering/tables.ts';
import type { CanteenTables } from '../modules/canteen/tables.ts';

export interface CounterTable {
  name: string;
  value: number;
}

/** Every table, composed from the modules that own them. */
export interface DB
  extends
    OrgTables,
    AccountTables,
    AuditTables,
    PiiTables,
    RegistryTables,
    DutyTables,
    CaseTables,
    FieldworkTables,
    InsightTables,
    ReportTables,
    TaskTables,
    MessageTables,
    WebhookTables,
    ResidentTables,
    VenueTables,
    PointsTables,
    VolunteeringTables,
    NoticeTables,
    PartyTables,
    CouncilTables,
    FundTables,
    CanteenTables {
  counters: CounterTable;
}
