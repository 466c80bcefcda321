import { type Actor, canAt } from '../../platform/access/scope.ts';
import { type PiiCipher, maskIdNumber, maskPhone } from '../../platform/pii/crypto.ts';
import type { HistoryEntry } from './history.ts';
import { ageOn } from './id-number.ts';
import type { ResidentTable } from './tables.ts';

/**
 * How much of a resident's identifying facts one caller sees. Every response, export and roster that
 * shows a resident goes through `disclosureFor` and `shapePersonal`, so a mask is judged once, against
 * everything else that caller gets (DESIGN rule 10):
 *
 * - `masked`: numbers masked, birth year and age, never the date. Whoever may not reveal numbers at
 *   the resident's place, and every "masked" file (export, roster), whoever made it.
 * - `dated`: numbers masked, the full birth date. A holder of `pii.reveal` there, reading the registry;
 *   the ID mask hides the sequence and check character too, so the date alone rebuilds nothing and a
 *   full number still needs the audited reveal.
 * - `revealed`: numbers in clear: an unmasked export or roster, audited by its maker.
 */
export type Disclosure = 'masked' | 'dated' | 'revealed';

/** The disclosure of an API response about a resident at `orgPath`. */
export function disclosureFor(actor: Actor, orgPath: string): Disclosure {
  return canAt(actor, 'pii.reveal', orgPath) ? 'dated' : 'masked';
}

/** The disclosure of a file: `revealed` only when unmasking was asked for and allowed (checked by the caller). */
export const fileDisclosure = (isUnmasked: boolean): Disclosure => (isUnmasked ? 'revealed' : 'masked');

export interface PersonalFacts {
  idNumber: string | null;
  phone: string | null;
  /** null unless the disclosure shows dates */
  birthDate: string | null;
  birthYear: number;
  age: number;
}

type PersonalColumns = Pick<ResidentTable, 'id_number_enc' | 'phone_enc' | 'birth_date'>;

/** A resident's numbers and birth as `disclosure` allows. */
export function shapePersonal(pii: PiiCipher, row: PersonalColumns, disclosure: Disclosure, now: Date): PersonalFacts {
  const show = (enc: string | null, mask: (v: string) => string) => {
    if (enc === null) return null;
    const clear = pii.decrypt(enc);
    return disclosure === 'revealed' ? clear : mask(clear);
  };
  return {
    idNumber: show(row.id_number_enc, maskIdNumber),
    phone: show(row.phone_enc, maskPhone),
    birthDate: disclosure === 'masked' ? null : row.birth_date,
    birthYear: Number(row.birth_date.slice(0, 4)),
    age: ageOn(row.birth_date, now),
  };
}

/** A birth date as a masked caller may see it: `1990-05-15` → `1990`. */
export function shownBirth(birthDate: string, disclosure: Disclosure): string {
  return disclosure === 'masked' ? birthDate.slice(0, 4) : birthDate;
}

/** A history row as `disclosure` allows: a changed birth date keeps only its years for a masked caller. */
export function shapeHistoryEntry<T extends Pick<HistoryEntry, 'field' | 'oldValue' | 'newValue'>>(
  entry: T,
  disclosure: Disclosure,
): T {
  if (entry.field !== 'birthDate' || disclosure !== 'masked') return entry;
  return {
    ...entry,
    oldValue: entry.oldValue === null ? null : shownBirth(entry.oldValue, disclosure),
    newValue: entry.newValue === null ? null : shownBirth(entry.newValue, disclosure),
  };
}
