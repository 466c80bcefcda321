/**
 * The one name of each case state, for the console and the phone alike: the server's own table
 * (server/src/modules/cases/states.ts, which imports nothing), so notifications, panels and screens agree.
 */
export {
  CASE_STATE_LABELS,
  CASE_STATUSES,
  OPEN_STATUSES,
  STEP_INTO_STATE,
} from '../../../server/src/modules/cases/states.ts';
